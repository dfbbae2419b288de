using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NotebookHost.Export;
using NotebookHost.Notebook;

namespace NotebookHost.Report;

/// <summary>
/// A published report: a notebook executed on its run store, readable without running anything. Every Plotly figure
/// gets an <c>image/png</c> beside its Plotly JSON (GitHub and any viewer show it; the HTML with plotly.js is dropped, so
/// a report stays small), and the notebook's metadata records what it shows: the notebook and a hash of each code cell,
/// the code version, the machine, the date and the keys of the runs in its run store. A report whose notebook's code has
/// changed since is stale (<see cref="StaleCells"/>).
/// </summary>
public static partial class NotebookReport
{
    /// <summary>The notebook metadata key of a report's record.</summary>
    public const string MetadataKey = "clinical_ner_report";

    /// <summary>The size figures are drawn at when their layout names none.</summary>
    public const int DefaultWidth = 1000, DefaultHeight = 500;

    /// <summary>SHA-256 (12 hex digits) of each code cell's source, by cell id: what a report is checked against.</summary>
    public static Dictionary<string, string> CodeHashes(NotebookDocument notebook)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        return notebook.Cells.Where(c => c.CellType == "code").ToDictionary(c => c.Id, c => Hash(c.Source), StringComparer.Ordinal);
    }

    /// <summary>
    /// Turns an executed notebook into its report: PNGs beside the Plotly figures (plotly.js-laden HTML dropped) and the
    /// record of what it shows.
    /// </summary>
    /// <param name="executed">The notebook as <c>lab run</c> wrote it.</param>
    /// <param name="source">The notebook it was executed from (its code is hashed).</param>
    /// <param name="repositoryRoot">Where the notebook path is recorded relative to, and where git names the code version.</param>
    /// <param name="runs">The runs of its run store it shows: name, key and status.</param>
    /// <param name="machine">The machine, in words.</param>
    public static void Finish(NotebookDocument executed, NotebookDocument source, string repositoryRoot,
        IReadOnlyList<(string Name, string? Key, string Status)> runs, string machine)
    {
        ArgumentNullException.ThrowIfNull(executed);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(runs);
        int figures = 0;
        foreach (var cell in executed.Cells.Where(c => c.CellType == "code"))
            foreach (var output in (cell.Json["outputs"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (output["data"] is not JsonObject data) continue;
                // The setup cell's plotly.js loader (megabytes) is for a live kernel's HTML front end, not for a reader.
                if (data["text/html"] is JsonNode html && IsPlotlyLoader(Text(html)))
                {
                    data.Remove("text/html");
                    if (data.Count == 0) data["text/plain"] = "(plotly.js, loaded for HTML front ends, is left out of the report)";
                }
                if (data[Display.Formatters.PlotlyMime] is not JsonNode plotly) continue;
                var figure = plotly is JsonValue text ? (JsonObject)JsonNode.Parse(text.GetValue<string>())! : (JsonObject)plotly.DeepClone();
                var layout = figure["layout"] as JsonObject;
                int width = (int?)layout?["width"]?.GetValue<double>() ?? DefaultWidth, height = (int?)layout?["height"]?.GetValue<double>() ?? DefaultHeight;
                data["image/png"] = Convert.ToBase64String(Png(figure, width, height));
                // The HTML rendering carries plotly.js (megabytes a figure): front ends draw the JSON, viewers show the PNG.
                data.Remove("text/html");
                figures++;
            }
        executed.Metadata[MetadataKey] = new JsonObject
        {
            ["notebook"] = Path.GetRelativePath(repositoryRoot, source.Path).Replace('\\', '/'),
            ["code_cells"] = new JsonObject(CodeHashes(source).Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
            ["code_version"] = CodeVersion(repositoryRoot),
            ["machine"] = machine,
            ["created"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
            ["figures"] = figures,
            ["runs"] = new JsonArray(runs.Select(r => (JsonNode)new JsonObject { ["name"] = r.Name, ["key"] = r.Key, ["status"] = r.Status }).ToArray()),
        };
    }

    /// <summary>
    /// The code cells of <paramref name="notebook"/> that differ from those the report was made from (changed, added or
    /// removed, by id); empty when the report is current.
    /// </summary>
    /// <exception cref="InvalidDataException">When the file is not a report (no record).</exception>
    public static IReadOnlyList<string> StaleCells(NotebookDocument report, NotebookDocument notebook)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(notebook);
        if (report.Metadata[MetadataKey]?["code_cells"] is not JsonObject recorded)
            throw new InvalidDataException($"{report.Path} is not a report (no '{MetadataKey}' record in its metadata): lab report makes one");
        var now = CodeHashes(notebook);
        var ids = recorded.Select(kv => kv.Key).Union(now.Keys).Order(StringComparer.Ordinal);
        return ids.Where(id => recorded[id]?.GetValue<string>() != now.GetValueOrDefault(id)).ToList();
    }

    /// <summary>The notebook a report was made from (its recorded path, relative to the repository root).</summary>
    public static string NotebookOf(NotebookDocument report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.Metadata[MetadataKey]?["notebook"]?.GetValue<string>()
            ?? throw new InvalidDataException($"{report.Path} is not a report (no '{MetadataKey}' record in its metadata)");
    }

    /// <summary>
    /// The run store a notebook writes: the default of <c>string runsDir = "..."</c> in its parameters cell (relative to
    /// the notebook) unless <paramref name="parameters"/> set runsDir, with runs.db in it; null when it names none.
    /// </summary>
    public static string? RunStoreOf(NotebookDocument notebook, IReadOnlyList<string> parameters)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        ArgumentNullException.ThrowIfNull(parameters);
        string folder = Path.GetDirectoryName(Path.GetFullPath(notebook.Path))!;
        string? given = parameters.Select(p => p.Split('=', 2)).Where(p => p.Length == 2 && p[0].Trim() == "runsDir").Select(p => p[1].Trim().Trim('"')).LastOrDefault();
        string? declared = notebook.Cells.Where(c => c.CellType == "code").Select(c => RunsDirDeclaration().Match(c.Source)).FirstOrDefault(m => m.Success)?.Groups[1].Value;
        string? dir = given ?? declared;
        return dir is null ? null : Path.Combine(Path.GetFullPath(Path.Combine(folder, dir)), "runs.db");
    }

    [GeneratedRegex("""string\s+runsDir\s*=\s*"([^"]+)"\s*;""")]
    private static partial Regex RunsDirDeclaration();

    // Text of a mime bundle entry: a string, or nbformat's list of lines.
    private static string Text(JsonNode node) => node is JsonArray lines ? string.Concat(lines.Select(l => l?.GetValue<string>())) : node.GetValue<string>();

    private static bool IsPlotlyLoader(string html) => html.Length > 200_000 && html.Contains("plotly", StringComparison.OrdinalIgnoreCase);

    private static byte[] Png(JsonObject figure, int width, int height)
    {
        string file = Path.Combine(Path.GetTempPath(), $"report-figure-{Guid.NewGuid():N}.png");
        try
        {
            FigureExport.Save(figure, file, width, height);
            return File.ReadAllBytes(file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.Replace("\r\n", "\n"))))[..12].ToLowerInvariant();

    // The commit (and "+changes" when the working tree differs from it), or "unknown" outside a git checkout.
    private static string CodeVersion(string root)
    {
        string? Git(params string[] args)
        {
            try
            {
                var psi = new System.Diagnostics.ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
                foreach (string a in args) psi.ArgumentList.Add(a);
                using var p = System.Diagnostics.Process.Start(psi)!;
                string output = p.StandardOutput.ReadToEnd().Trim();
                p.WaitForExit();
                return p.ExitCode == 0 ? output : null;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return null;
            }
        }
        string? commit = Git("rev-parse", "--short=12", "HEAD");
        if (commit is null) return "unknown";
        return string.IsNullOrEmpty(Git("status", "--porcelain", "--untracked-files=no")) ? commit : commit + "+changes";
    }
}
