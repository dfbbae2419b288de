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
        // Why a skip and not a failure: the corpora live outside the repository (../shared/data) and may not be
        // lent to every machine; the sample-based tests cover the same code, and the skip names the missing path.
        if (DataPaths.Find(relativePath) is null)
            Skip = $"real corpus '{relativePath}' not found under $CNER_DATA, data/ or ../shared/data";
    }

    public string RelativePath { get; }

    public static string PathOf(string relative) => DataPaths.Find(relative)!.Path;
}
