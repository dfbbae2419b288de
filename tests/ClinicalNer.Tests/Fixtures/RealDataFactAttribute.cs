namespace ClinicalNer.Tests;

/// <summary>
/// A test over a real corpus from ../shared/data (or $CNER_DATA). When the corpus is absent the
/// test is reported as skipped with the path it looked for: the corpora are never committed.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RealDataFactAttribute : FactAttribute
{
    public RealDataFactAttribute(string relativePath)
    {
        RelativePath = relativePath;
        if (DataPaths.Find(relativePath) is null)
            // Skip reason: the real corpora live outside the repository and may never be committed, so a machine
            // without them (CI) cannot run these checks; the bundled-sample tests cover the same code. The
            // message says so too.
            Skip = $"real corpus '{relativePath}' not found under $CNER_DATA, data/ or ../shared/data: the corpora are read " +
                   "from outside the repository and never committed, so a machine without them skips these checks " +
                   "(the bundled-sample tests cover the same code)";
    }

    public string RelativePath { get; }

    public static string PathOf(string relative) => DataPaths.Find(relative)!.Path;
}
