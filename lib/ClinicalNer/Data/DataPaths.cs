namespace ClinicalNer.Data;

/// <summary>Where a data path was found, and the notice to show the user.</summary>
/// <param name="Path">The resolved directory or file.</param>
/// <param name="Origin">"parameter", "$CNER_DATA", "data/", "../shared/data" or "bundled sample".</param>
public sealed record ResolvedData(string Path, string Origin)
{
    /// <summary>A one-line notice naming the data used.</summary>
    public string Notice => $"data: {Path} (from {Origin})";
}

/// <summary>
/// Resolves a corpus path (relative to a data root, e.g. "kbert/medical_ner") in the project's order:
/// an explicit path, <c>$CNER_DATA</c>, the repository's <c>data/</c>, <c>../shared/data</c> beside the
/// repository, else the bundled sample (or nothing).
/// </summary>
public static class DataPaths
{
    /// <summary>The repository root: the nearest folder upwards holding Notebooks.sln (from the working directory, then the program).</summary>
    public static string? RepositoryRoot()
    {
        // The working directory, then the host (the CLI), then this library's own folder (a notebook kernel's host is elsewhere).
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory, Path.GetDirectoryName(typeof(DataPaths).Assembly.Location) ?? "." })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Notebooks.sln"))) return dir.FullName;
        return null;
    }

    /// <summary>The data roots searched, in order, with their origin names.</summary>
    public static IEnumerable<(string Root, string Origin)> Roots()
    {
        if (Environment.GetEnvironmentVariable("CNER_DATA") is { Length: > 0 } env) yield return (env, "$CNER_DATA");
        if (RepositoryRoot() is { } repo)
        {
            yield return (Path.Combine(repo, "data"), "data/");
            yield return (Path.GetFullPath(Path.Combine(repo, "..", "shared", "data")), "../shared/data");
        }
    }

    /// <summary>Finds <paramref name="relative"/> under the roots; null when no root has it.</summary>
    public static ResolvedData? Find(string relative, string? explicitPath = null)
    {
        if (explicitPath is { Length: > 0 })
            return File.Exists(explicitPath) || Directory.Exists(explicitPath) ? new ResolvedData(Path.GetFullPath(explicitPath), "parameter")
                : throw new FileNotFoundException($"data path given as a parameter does not exist: {explicitPath}", explicitPath);
        foreach (var (root, origin) in Roots())
        {
            string candidate = Path.Combine(root, relative);
            if (File.Exists(candidate) || Directory.Exists(candidate)) return new ResolvedData(Path.GetFullPath(candidate), origin);
        }
        return null;
    }

    /// <summary>As <see cref="Find"/>, falling back to the bundled sample (data/sample).</summary>
    /// <exception cref="DirectoryNotFoundException">When not even the sample can be found.</exception>
    public static ResolvedData FindOrSample(string relative, string? explicitPath = null) =>
        Find(relative, explicitPath)
        ?? (RepositoryRoot() is { } repo && Directory.Exists(Path.Combine(repo, "data", "sample"))
            ? new ResolvedData(Path.Combine(repo, "data", "sample"), "bundled sample")
            : throw new DirectoryNotFoundException($"'{relative}' was not found under $CNER_DATA, data/ or ../shared/data, and the bundled sample is missing"));
}
