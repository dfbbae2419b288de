namespace ClinicalNer.Data;

/// <summary>
/// A text with typed character spans: the storage form of every corpus. Spans may nest or overlap;
/// tag sequences (BIO, BIOES, BMES) are views computed from them (<see cref="Text.TagCodec"/>).
/// </summary>
/// <param name="Id">Identifier within its corpus (file name, record id or "file:line").</param>
/// <param name="Chars">The text as characters (a surrogate pair is one character); spans index this list.</param>
/// <param name="Entities">Spans over <see cref="Chars"/> positions, sorted by start then longest first.</param>
/// <param name="Source">Where the document came from: "path:line" or "archive!entry".</param>
public sealed record Document(string Id, IReadOnlyList<string> Chars, IReadOnlyList<EntitySpan> Entities, string Source)
{
    /// <summary>The characters joined into one string.</summary>
    public string Text => string.Concat(Chars);

    /// <summary>Number of characters (text elements: a surrogate pair is one).</summary>
    public int Length => Chars.Count;

    /// <summary>The characters of a span.</summary>
    public string Surface(EntitySpan span)
    {
        ArgumentNullException.ThrowIfNull(span);
        return string.Concat(Chars.Skip(span.Start).Take(span.Length));
    }

    /// <summary>Splits a string into characters, keeping surrogate pairs whole.</summary>
    public static IReadOnlyList<string> SplitChars(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var chars = new List<string>(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                chars.Add(text.Substring(i, 2));
                i++;
            }
            else chars.Add(text[i].ToString());
        }
        return chars;
    }

    /// <summary>A document over <paramref name="text"/> with spans sorted canonically.</summary>
    public static Document Create(string id, string text, IEnumerable<EntitySpan> entities, string source) =>
        new(id, SplitChars(text), Sorted(entities), source);

    internal static IReadOnlyList<EntitySpan> Sorted(IEnumerable<EntitySpan> entities) =>
        entities.OrderBy(e => e.Start).ThenByDescending(e => e.End).ThenBy(e => e.Type, StringComparer.Ordinal).ToList();
}

/// <summary>A problem found in input data, with where it is.</summary>
/// <param name="Location">"path:line" (or "path:line:column", "archive!entry:line").</param>
/// <param name="Problem">What is wrong and, where a repair was applied, what was done.</param>
public sealed record DataIssue(string Location, string Problem)
{
    /// <summary>
    /// A piece of input quoted in a message: at most <paramref name="max"/> characters (an error on a 2 MB line must not
    /// print the line), control characters shown as spaces.
    /// </summary>
    public static string Quote(string? text, int max = 80)
    {
        text ??= "";
        string shown = new(text.Take(max).Select(c => char.IsControl(c) ? ' ' : c).ToArray());
        return text.Length <= max ? $"'{shown}'" : $"'{shown}...' ({text.Length:N0} characters)";
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Location}: {Problem}";
}

/// <summary>Thrown for malformed data under <see cref="RepairPolicy.Strict"/>; carries the first problem's location.</summary>
public sealed class DataFormatException : FormatException
{
    /// <summary>Creates the exception for an issue.</summary>
    public DataFormatException(DataIssue issue) : base(issue?.ToString()) { Issue = issue; }

    /// <summary>Creates the exception with a message.</summary>
    public DataFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public DataFormatException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception.</summary>
    public DataFormatException() { }

    /// <summary>The problem, when the exception came from one.</summary>
    public DataIssue? Issue { get; }
}

/// <summary>What readers do with inconsistent annotations (an I- without a B-, an unknown type, ...).</summary>
public enum RepairPolicy
{
    /// <summary>Stop at the first problem with a <see cref="DataFormatException"/> naming where it is.</summary>
    Strict,
    /// <summary>Repair as conlleval reads it (an orphan I- starts an entity) and report each repair as an issue.</summary>
    Repair,
    /// <summary>Drop the offending annotation (the orphan run is tagged O) and report it.</summary>
    Drop,
}

/// <summary>Documents read from a source, with every issue found and how it was handled.</summary>
public sealed record Corpus(string Name, IReadOnlyList<Document> Documents, IReadOnlyList<DataIssue> Issues)
{
    /// <summary>Number of entities over all documents.</summary>
    public int EntityCount => Documents.Sum(d => d.Entities.Count);
}
