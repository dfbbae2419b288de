using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

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
        if (!File.Exists(ChromiumPath)) throw new FileNotFoundException($"Chromium not found at {ChromiumPath}: ./lab setup installs Debian's chromium (or set CNER_CHROMIUM)", ChromiumPath);
        string ext = Path.GetExtension(output).ToLowerInvariant();
        if (ext is not (".png" or ".svg")) throw new ArgumentException($"export to .png or .svg, not '{ext}'", nameof(output));
        string work = Directory.CreateTempSubdirectory("figure-export").FullName;
        try
        {
            string page = Path.Combine(work, "figure.html");
            string plotlyJsPath = Path.Combine(work, "plotly.min.js");
            File.WriteAllText(plotlyJsPath, ClinicalNer.Plots.ChartHtml.PlotlySource());
            var fig = (JsonObject)figure.DeepClone();
            var config = (JsonObject)(fig["config"] ??= new JsonObject());
            config["staticPlot"] = true;
            var layout = (JsonObject)(fig["layout"] ??= new JsonObject());
            layout["width"] = width;
            layout["height"] = height;
            string after = ext == ".svg"
                ? "return Plotly.toImage(gd,{format:'svg',width:" + width + ",height:" + height + "}).then(function(url){" +
                  "var pre=document.createElement('pre');pre.id='svg';pre.textContent=decodeURIComponent(url.substring(url.indexOf(',')+1));" +
                  "document.body.innerHTML='';document.body.appendChild(pre);});"
                : "return gd;";
            File.WriteAllText(page, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>body{margin:0;background:#fff}</style></head><body>" +
                $"<div id=\"fig\"></div><script src=\"{new Uri(Path.GetFullPath(plotlyJsPath)).AbsoluteUri}\"></script><script>var f={fig.ToJsonString()};" +
                "Plotly.newPlot('fig',f.data,f.layout,f.config).then(function(gd){" + after + "});</script></body></html>");
            string url = new Uri(page).AbsoluteUri;
            string profile = Path.Combine(work, "profile");
            if (ext == ".png")
            {
                string shot = Path.Combine(work, "shot.png");
                Run([.. ChromiumFlags, $"--user-data-dir={profile}", $"--window-size={width},{height}", "--virtual-time-budget=10000",
                    $"--screenshot={shot}", "--allow-file-access-from-files", url]);
                if (!File.Exists(shot)) throw new InvalidOperationException("Chromium wrote no screenshot");
                File.Move(shot, output, overwrite: true);
            }
            else
            {
                string dom = Run([.. ChromiumFlags, $"--user-data-dir={profile}", "--virtual-time-budget=10000", "--allow-file-access-from-files", "--dump-dom", url]);
                int start = dom.IndexOf("<pre id=\"svg\">", StringComparison.Ordinal);
                int end = start < 0 ? -1 : dom.IndexOf("</pre>", start, StringComparison.Ordinal);
                if (end < 0) throw new InvalidOperationException("plotly.js produced no SVG (did the figure render?)");
                string svg = WebUtility.HtmlDecode(dom[(start + "<pre id=\"svg\">".Length)..end]);
                File.WriteAllText(output, svg, new UTF8Encoding(false));
            }
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static string Run(IReadOnlyList<string> args)
    {
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
