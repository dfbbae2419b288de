using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Reporting;

namespace NotebookHost.Export;

/// <summary>
/// Static PNG and SVG files of Plotly figures, drawn by Debian's Chromium in headless mode with the plotly.js
/// embedded in Plotly.NET (no network, never a downloaded browser). PNG is Chromium's screenshot of the page; SVG is
/// plotly.js's own <c>toImage</c> output, read back from the page's DOM.
/// </summary>
/// <remarks>
/// Chromium is driven through its command line rather than Microsoft.Playwright: the Playwright package
/// is 786 MB with its drivers, and these two operations need no browser protocol.
/// </remarks>
public static class FigureExport
{
    /// <summary>Chromium flags for a closed network and a root user (see environment.md).</summary>
    public static readonly IReadOnlyList<string> ChromiumFlags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-quic", "--no-first-run", "--hide-scrollbars", "--mute-audio", "--disable-extensions",
    ];

    /// <summary>The Chromium executable: <c>$CNER_CHROMIUM</c>, else /usr/bin/chromium.</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("CNER_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    /// <summary>Writes the figure as .png or .svg (by the extension of <paramref name="output"/>).</summary>
    /// <param name="figure">The plotly figure: {data, layout, config}.</param>
    /// <param name="output">Target file, .png or .svg.</param>
    /// <param name="width">Pixels.</param>
    /// <param name="height">Pixels.</param>
    /// <exception cref="FileNotFoundException">When Chromium is missing (with what to install).</exception>
    /// <exception cref="InvalidOperationException">When Chromium fails or draws nothing.</exception>
    public static void Save(JsonObject figure, string output, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(figure);
        string ext = Path.GetExtension(output).ToLowerInvariant();
        if (ext is not (".png" or ".svg")) throw new ArgumentException($"export to .png or .svg, not '{ext}'", nameof(output));
        var fig = (JsonObject)figure.DeepClone();
        ((JsonObject)(fig["config"] ??= new JsonObject()))["staticPlot"] = true;
        var layout = (JsonObject)(fig["layout"] ??= new JsonObject());
        layout["width"] = width;
        layout["height"] = height;
        using var work = new WorkFolder();
        string page = Path.Combine(work.Path, "figure.html");
        if (ext == ".png")
        {
            // The same standalone page as an HTML export: a PNG is that page, drawn offline.
            File.WriteAllText(page, ChartHtml.Page(fig, width, height));
            Screenshot(page, output, width, height);
            return;
        }
        // SVG: plotly.js's own toImage output, read back from the page's DOM.
        File.WriteAllText(page, ChartHtml.Page(fig, width, height).Replace("</body>",
            "<script>var gd=document.querySelector('.js-plotly-plot');Plotly.toImage(gd,{format:'svg',width:" + width + ",height:" + height + "}).then(function(url){" +
            "var pre=document.createElement('pre');pre.id='svg';pre.textContent=decodeURIComponent(url.substring(url.indexOf(',')+1));" +
            "document.body.innerHTML='';document.body.appendChild(pre);});</script></body>", StringComparison.Ordinal));
        string dom = Run([.. ChromiumFlags, $"--user-data-dir={work.Profile}", "--virtual-time-budget=10000", "--allow-file-access-from-files", "--dump-dom", new Uri(page).AbsoluteUri]);
        int start = dom.IndexOf("<pre id=\"svg\">", StringComparison.Ordinal);
        int end = start < 0 ? -1 : dom.IndexOf("</pre>", start, StringComparison.Ordinal);
        if (end < 0) throw new InvalidOperationException("plotly.js produced no SVG (did the figure render?)");
        string svg = WebUtility.HtmlDecode(dom[(start + "<pre id=\"svg\">".Length)..end]);
        File.WriteAllText(output, svg, new UTF8Encoding(false));
    }

    /// <summary>A PNG screenshot of an HTML file, <paramref name="width"/> x <paramref name="height"/> pixels, with no network.</summary>
    /// <exception cref="FileNotFoundException">When Chromium is missing.</exception>
    /// <exception cref="InvalidOperationException">When Chromium fails.</exception>
    public static void Screenshot(string htmlPath, string output, int width, int height)
    {
        using var work = new WorkFolder();
        string shot = Path.Combine(work.Path, "shot.png");
        Run([.. ChromiumFlags, $"--user-data-dir={work.Profile}", $"--window-size={width},{height}", "--virtual-time-budget=10000",
            $"--screenshot={shot}", "--allow-file-access-from-files", new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri]);
        if (!File.Exists(shot)) throw new InvalidOperationException("Chromium wrote no screenshot");
        File.Move(shot, output, overwrite: true);
    }

    // A temporary folder for the page and Chromium's profile, removed afterwards.
    private sealed class WorkFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("figure-export").FullName;
        public string Profile => System.IO.Path.Combine(Path, "profile");

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static string Run(IReadOnlyList<string> args)
    {
        if (!File.Exists(ChromiumPath)) throw new FileNotFoundException($"Chromium not found at {ChromiumPath}: ./lab setup installs Debian's chromium (or set CNER_CHROMIUM)", ChromiumPath);
        var psi = new ProcessStartInfo(ChromiumPath) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {ChromiumPath}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            throw new InvalidOperationException("Chromium did not finish within 120 s");
        }
        if (p.ExitCode != 0) throw new InvalidOperationException($"Chromium failed (exit {p.ExitCode}): {stderr.Result.Trim()}");
        return stdout.Result;
    }
}
