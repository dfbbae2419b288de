namespace ClinicalNer.Plots;

/// <summary>
/// Finds plotly.js (the npm package <c>plotly.js-dist-min</c>, installed by <c>./lab setup</c> into the
/// repository's node_modules; never committed), or the file named by <c>$CNER_PLOTLY_JS</c>.
/// </summary>
public static class PlotlyJs
{
    private static readonly Lazy<string?> Cached = new(Read);

    /// <summary>The path of plotly.min.js, or null when it is not installed.</summary>
    public static string? ScriptPath { get; } = Locate();

    private static int used;

    /// <summary>True the first time it is asked in this process (that figure's HTML carries plotly.js).</summary>
    public static bool FirstUse() => Interlocked.Exchange(ref used, 1) == 0;

    /// <summary>The script text, or null when it is not installed.</summary>
    public static string? Source() => Cached.Value;

    private static string? Read() => ScriptPath is null ? null : File.ReadAllText(ScriptPath);

    private static string? Locate()
    {
        if (Environment.GetEnvironmentVariable("CNER_PLOTLY_JS") is { Length: > 0 } env && File.Exists(env)) return env;
        if (Data.DataPaths.RepositoryRoot() is { } root)
        {
            string p = System.IO.Path.Combine(root, "node_modules", "plotly.js-dist-min", "plotly.min.js");
            if (File.Exists(p)) return p;
        }
        return null;
    }
}
