using System.Globalization;
using NotebookHost.Display;
using Reporting;
using static TorchBinding.torch;

namespace NotebookHost;

/// <summary>What a notebook runs on, shown by its first cell.</summary>
/// <param name="Libtorch">libtorch version.</param>
/// <param name="Threads">libtorch and OpenBLAS threads and where the choice came from.</param>
/// <param name="Devices">Devices available.</param>
/// <param name="Plotly">plotly.js version (from Plotly.NET, offline).</param>
public sealed record LabInfo(string Libtorch, string Threads, string Devices, string Plotly)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"libtorch {Libtorch} | threads {Threads} | devices {Devices} | plotly.js {Plotly} (offline) | .NET {Environment.Version}";
}

/// <summary>
/// The one call a notebook's first cell makes after loading the project: <c>Lab.Start()</c> registers the display
/// formatters and returns what the notebook runs on. Its HTML output also carries plotly.js once, so figures draw in
/// front ends that render HTML rather than the plotly MIME type (as plotly's own offline notebook mode does).
/// </summary>
public static class Lab
{
    /// <summary>Registers the formatters and describes the engine.</summary>
    public static LabInfo Start()
    {
        ClinicalNer.Display.NerDisplay.Register();   // the NER results' displays (adapters; no NER type is named here)
        // In a kernel: its formatters, and library code's progress lines and curves updated in place. Elsewhere (a notebook
        // exported as a file-based app, a console program) the kernel's assemblies are absent, values print as text.
        if (InKernel)
        {
            Formatters.Register();
            Reporting.Live.Sink = NotebookDisplay.Sink;
        }
        string devices = string.Join(", ", Enumerable.Range(0, cuda.device_count()).Select(i => $"cuda:{i}").Prepend("cpu"));
        return new LabInfo(__version__, string.Create(CultureInfo.InvariantCulture,
            $"torch={get_num_threads()}, blas={blas.get_num_threads()} ({TorchBinding.Threading.Source})"), devices, ChartHtml.PlotlyVersion);
    }

    /// <summary>Whether this process runs inside the .NET Interactive kernel (its assembly is loaded).</summary>
    public static bool InKernel => AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "Microsoft.DotNet.Interactive");
}
