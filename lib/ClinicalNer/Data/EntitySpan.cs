namespace ClinicalNer.Data;

/// <summary>A typed entity over characters [Start, End) of a text.</summary>
/// <param name="Start">Offset of the first character.</param>
/// <param name="End">Offset one past the last character.</param>
/// <param name="Type">Entity type, e.g. "BODY".</param>
public sealed record EntitySpan(int Start, int End, string Type)
{
    /// <summary>Number of characters.</summary>
    public int Length => End - Start;
}

/// <summary>A sentence as characters with one tag each, and where it came from.</summary>
/// <param name="Chars">The characters (one string per character, so surrogate pairs stay whole).</param>
/// <param name="Tags">One tag per character.</param>
/// <param name="Source">"file:line" of the first character.</param>
public sealed record TaggedSentence(IReadOnlyList<string> Chars, IReadOnlyList<string> Tags, string Source);
