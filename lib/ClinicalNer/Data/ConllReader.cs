using System.Globalization;
using System.Text;

namespace ClinicalNer.Data;

/// <summary>
/// Reads char-per-line files (<c>char TAG</c>, separated by a space, tab or comma; a blank line ends a
/// sentence). Errors name the file and line.
/// </summary>
public static class ConllReader
{
    /// <summary>Reads every sentence of <paramref name="path"/> (UTF-8, with or without BOM).</summary>
    /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
    /// <exception cref="InvalidDataException">For a line that is not "char TAG", naming file and line.</exception>
    public static List<TaggedSentence> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"no such data file: {path}", path);
        var sentences = new List<TaggedSentence>();
        var chars = new List<string>();
        var tags = new List<string>();
        int start = 0, lineNo = 0;
        using var reader = new StreamReader(path, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        string? line;
        try
        {
            while ((line = reader.ReadLine()) is not null)
            {
                lineNo++;
                if (line.Trim().Length == 0)
                {
                    Flush();
                    continue;
                }
                int sep = FindSeparator(line);
                if (sep < 0)
                    throw new InvalidDataException($"{path}:{lineNo}: expected 'char TAG' (space, tab or comma separated), got '{line}'");
                if (chars.Count == 0) start = lineNo;
                chars.Add(line[..sep]);
                tags.Add(line[(sep + 1)..].Trim());
            }
        }
        catch (DecoderFallbackException ex)
        {
            throw new InvalidDataException($"{path}:{lineNo + 1}: not valid UTF-8 ({ex.Message})", ex);
        }
        Flush();
        return sentences;

        void Flush()
        {
            if (chars.Count == 0) return;
            sentences.Add(new TaggedSentence(chars.ToArray(), tags.ToArray(), string.Create(CultureInfo.InvariantCulture, $"{path}:{start}")));
            chars.Clear();
            tags.Clear();
        }
    }

    // The character itself may be a separator-looking symbol (a comma in the text): the separator is
    // the first space, tab or comma after the first character.
    private static int FindSeparator(string line)
    {
        int first = line.Length > 1 && char.IsSurrogatePair(line, 0) ? 2 : 1;
        for (int k = first; k < line.Length; k++)
            if (line[k] is ' ' or '\t' or ',') return k;
        return -1;
    }
}
