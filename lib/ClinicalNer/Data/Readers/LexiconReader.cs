using System.Globalization;

namespace ClinicalNer.Data.Readers;

/// <summary>Lexicons (one term per line, optional <c>\tfreq</c>) and knowledge-graph triples (<c>head\trel\ttail</c>).</summary>
public static class LexiconReader
{
    /// <summary>Terms with their frequencies (1 when the file gives none); duplicates keep the larger frequency.</summary>
    /// <exception cref="DataFormatException">For a frequency that is not a non-negative integer.</exception>
    public static Dictionary<string, long> ReadLexicon(string path)
    {
        var terms = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (lineNo, line) in TextDecoding.ReadLines(path))
        {
            string[] f = line.Split('\t');
            string term = f[0].Trim();
            if (term.Length == 0) continue;
            long freq = 1;
            if (f.Length > 1 && f[1].Trim().Length > 0 && (!long.TryParse(f[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out freq)))
                throw new DataFormatException(new DataIssue($"{path}:{lineNo}", $"expected 'term' or 'term<TAB>frequency', got {DataIssue.Quote(line)}"));
            terms[term] = Math.Max(freq, terms.GetValueOrDefault(term));
        }
        return terms;
    }

    /// <summary>Every triple of a <c>.spo</c> file.</summary>
    /// <exception cref="DataFormatException">For a line that does not have three tab-separated fields.</exception>
    public static List<Triple> ReadTriples(string path)
    {
        var triples = new List<Triple>();
        foreach (var (lineNo, line) in TextDecoding.ReadLines(path))
        {
            if (line.Trim().Length == 0) continue;
            string[] f = line.Split('\t');
            if (f.Length != 3 || f.Any(x => x.Trim().Length == 0))
                throw new DataFormatException(new DataIssue($"{path}:{lineNo}", $"expected 'head<TAB>relation<TAB>tail', got {DataIssue.Quote(line)}"));
            triples.Add(new Triple(f[0].Trim(), f[1].Trim(), f[2].Trim()));
        }
        return triples;
    }

    /// <summary>
    /// Typed lexicons for dictionary features from <c>TYPE=FILE</c> specifications (a type may be given several files);
    /// null when there are none.
    /// </summary>
    /// <exception cref="ArgumentException">For a specification that is not TYPE=FILE.</exception>
    public static Dictionary<string, IEnumerable<string>>? ReadTypedLexicons(IEnumerable<string> specifications)
    {
        ArgumentNullException.ThrowIfNull(specifications);
        var byType = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (string spec in specifications)
        {
            int eq = spec.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == spec.Length - 1) throw new ArgumentException($"a typed lexicon is TYPE=FILE, got '{spec}'");
            string type = spec[..eq];
            if (!byType.TryGetValue(type, out var terms)) byType[type] = terms = [];
            terms.AddRange(ReadLexicon(spec[(eq + 1)..]).Keys);
        }
        return byType.Count == 0 ? null : byType.ToDictionary(kv => kv.Key, kv => (IEnumerable<string>)kv.Value, StringComparer.Ordinal);
    }
}
