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

    /// <summary>
    /// As <see cref="Find"/>, for data a run cannot do without: when no root has it, the error names every place looked
    /// in, where to get it (data/README.md) and how to point at a copy.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">When no root has <paramref name="relative"/>.</exception>
    public static ResolvedData Require(string relative, string? explicitPath = null)
    {
        if (Find(relative, explicitPath) is { } found) return found;
        var looked = Roots().Select(r => $"{Path.Combine(r.Root, relative)} ({r.Origin})").ToList();
        if (Environment.GetEnvironmentVariable("CNER_DATA") is not { Length: > 0 }) looked.Insert(0, "$CNER_DATA (not set)");
        throw new DirectoryNotFoundException($"'{relative}' was not found; looked in: {string.Join("; ", looked)}. data/README.md says where to get "
                                             + "it; give its folder as the notebook's parameter or set CNER_DATA to the folder that holds it (smoke=true runs on the bundled sample)");
    }

    /// <summary>
    /// The data of a run: the bundled sample for a smoke run that names no folder, else <see cref="Require"/> (a default run
    /// never falls back to the sample without a word).
    /// </summary>
    public static ResolvedData ForRun(string relative, string? explicitPath, bool smoke) =>
        smoke && explicitPath is not { Length: > 0 } ? FindOrSample("sample") : Require(relative, explicitPath);

    /// <summary>As <see cref="Find"/>, falling back to the bundled sample (data/sample).</summary>
    /// <exception cref="DirectoryNotFoundException">When not even the sample can be found.</exception>
    public static ResolvedData FindOrSample(string relative, string? explicitPath = null) =>
        Find(relative, explicitPath)
        ?? (RepositoryRoot() is { } repo && Directory.Exists(Path.Combine(repo, "data", "sample"))
            ? new ResolvedData(Path.Combine(repo, "data", "sample"), "bundled sample")
            : throw new DirectoryNotFoundException($"'{relative}' was not found under $CNER_DATA, data/ or ../shared/data, and the bundled sample is missing"));
}
