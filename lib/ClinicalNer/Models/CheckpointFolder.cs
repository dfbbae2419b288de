using System.Text.Json;

namespace ClinicalNer.Models;

/// <summary>
/// Checkpoint folders written so that a crash never leaves a half-written one: the new content goes to
/// <c>DIR.partial</c>, then the old <c>DIR</c> is moved aside to <c>DIR.previous</c>, the new one renamed into place and
/// the old one deleted (renames within a folder are atomic). A crash between the two renames leaves only
/// <c>DIR.previous</c>, which <see cref="Resolve"/> then returns.
/// </summary>
public static class CheckpointFolder
{
    private const string PartialSuffix = ".partial", PreviousSuffix = ".previous";

    /// <summary>Writes <paramref name="directory"/> through <paramref name="write"/>, which fills the folder it is given.</summary>
    public static void Replace(string directory, Action<string> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(write);
        directory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        string partial = directory + PartialSuffix, previous = directory + PreviousSuffix;
        if (File.Exists(directory)) throw new IOException($"{directory} is a file; a checkpoint needs a folder there");
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);   // left by a crash
        Directory.CreateDirectory(partial);
        write(partial);
        if (Directory.Exists(directory))
        {
            if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
            Directory.Move(directory, previous);
        }
        Directory.Move(partial, directory);
        if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
    }

    /// <summary><paramref name="directory"/>, or the previous checkpoint a crash between two renames left beside it.</summary>
    public static string Resolve(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string trimmed = Path.TrimEndingDirectorySeparator(directory);
        return !Directory.Exists(trimmed) && Directory.Exists(trimmed + PreviousSuffix) ? trimmed + PreviousSuffix : directory;
    }

    /// <summary>
    /// Reads a JSON state file with <paramref name="read"/>; a truncated or edited file (bad JSON, a missing field, a value
    /// of the wrong kind) becomes an <see cref="InvalidDataException"/> naming the file.
    /// </summary>
    public static T ReadJson<T>(string path, Func<JsonElement, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} does not exist", path);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            return read(doc.RootElement);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            string why = e is KeyNotFoundException ? "a field is missing" : e.Message.Split(" Path:")[0].Split(" LineNumber:")[0].TrimEnd('.');
            throw new InvalidDataException($"{path} is not a readable training state ({why}); delete the folder to start over", e);
        }
    }
}
