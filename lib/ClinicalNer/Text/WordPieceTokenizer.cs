using System.Globalization;
using System.Text;
using ClinicalNer.Data;

namespace ClinicalNer.Text;

/// <summary>A WordPiece token and the characters [Start, End) of the original text it came from.</summary>
public sealed record WordPieceToken(string Text, int Id, int Start, int End);

/// <summary>
/// BERT's tokenizer as bert-base-chinese uses it (do_lower_case = true): clean the text, put spaces
/// around CJK characters, lower-case and strip accents, split on whitespace and punctuation, then
/// greedy longest-match-first WordPiece with "##" continuations, [UNK] for words it cannot cover.
/// Every token keeps its character offsets into the original string.
/// </summary>
public sealed class WordPieceTokenizer
{
    private readonly Dictionary<string, int> vocab;
    private readonly List<string> tokens;

    /// <summary>Builds the tokenizer over vocabulary lines (the token of line k has id k).</summary>
    public WordPieceTokenizer(IEnumerable<string> vocabulary, bool lowerCase = true, int maxCharsPerWord = 100)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        tokens = vocabulary.ToList();
        vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int k = 0; k < tokens.Count; k++) vocab.TryAdd(tokens[k], k);
        LowerCase = lowerCase;
        MaxCharsPerWord = maxCharsPerWord;
        foreach (string special in new[] { "[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]" })
            if (!vocab.ContainsKey(special)) throw new ArgumentException($"the vocabulary has no {special} token", nameof(vocabulary));
    }

    /// <summary>
    /// A vocabulary of the characters of <paramref name="texts"/> (sorted) after the five special tokens, [PAD] first: what a
    /// random encoder reads where no vocabulary file is at hand (a smoke run, a test).
    /// </summary>
    public static WordPieceTokenizer OfCharacters(IEnumerable<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        string[] specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
        return new(specials.Concat(texts.SelectMany(Data.Document.SplitChars).Distinct().Order(StringComparer.Ordinal)));
    }

    /// <summary>Reads a <c>vocab.txt</c> (one token per line).</summary>
    public static WordPieceTokenizer FromFile(string vocabPath, bool lowerCase = true) =>
        new(File.ReadAllLines(vocabPath, Encoding.UTF8).Select(l => l.TrimEnd('\r')), lowerCase);

    /// <summary>Whether text is lower-cased and accent-stripped first.</summary>
    public bool LowerCase { get; }
    /// <summary>Longer words become [UNK].</summary>
    public int MaxCharsPerWord { get; }
    /// <summary>Vocabulary size.</summary>
    public int VocabularySize => tokens.Count;
    /// <summary>The id of [UNK].</summary>
    public int UnkId => vocab["[UNK]"];
    /// <summary>The id of [CLS].</summary>
    public int ClsId => vocab["[CLS]"];
    /// <summary>The id of [SEP].</summary>
    public int SepId => vocab["[SEP]"];
    /// <summary>The id of [PAD].</summary>
    public int PadId => vocab["[PAD]"];
    /// <summary>The id of [MASK].</summary>
    public int MaskId => vocab["[MASK]"];
    /// <summary>Writes the vocabulary as <c>vocab.txt</c> (one token per line, in id order), which <see cref="FromFile"/> reads back.</summary>
    public void Save(string path) => File.WriteAllLines(path, tokens);

    /// <summary>The token of an id.</summary>
    public string this[int id] => tokens[id];

    /// <summary>The id of a token, if it is in the vocabulary.</summary>
    public int? IdOf(string token) => vocab.TryGetValue(token, out int id) ? id : null;

    /// <summary>
    /// The word pieces of <paramref name="document"/> (ids) with the document's characters [Start, End) each covers:
    /// <see cref="Tokenize"/> reports UTF-16 offsets, documents count text elements.
    /// </summary>
    public List<(int Id, int Start, int End)> TokenizeCharacters(Document document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var charAt = new int[document.Text.Length + 1];
        int offset = 0;
        for (int c = 0; c < document.Length; c++)
        {
            for (int k = 0; k < document.Chars[c].Length; k++) charAt[offset + k] = c;
            offset += document.Chars[c].Length;
        }
        charAt[offset] = document.Length;
        return Tokenize(document.Text).Select(t => (t.Id, charAt[t.Start], t.End >= charAt.Length - 1 ? document.Length : charAt[t.End])).ToList();
    }

    /// <summary>Tokenizes <paramref name="text"/> into WordPiece tokens with character offsets.</summary>
    public List<WordPieceToken> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<WordPieceToken>();
        foreach (var word in BasicTokens(text))
        {
            if (word.Count > MaxCharsPerWord)
            {
                result.Add(new WordPieceToken("[UNK]", UnkId, word[0].Start, word[^1].End));
                continue;
            }
            var pieces = new List<WordPieceToken>();
            int start = 0;
            bool bad = false;
            while (start < word.Count)
            {
                int end = word.Count;
                string? found = null;
                while (start < end)
                {
                    string candidate = (start > 0 ? "##" : "") + string.Concat(word.Skip(start).Take(end - start).Select(u => u.Text));
                    if (vocab.ContainsKey(candidate)) { found = candidate; break; }
                    end--;
                }
                if (found is null) { bad = true; break; }
                pieces.Add(new WordPieceToken(found, vocab[found], word[start].Start, word[end - 1].End));
                start = end;
            }
            if (bad) result.Add(new WordPieceToken("[UNK]", UnkId, word[0].Start, word[^1].End));
            else result.AddRange(pieces);
        }
        return result;
    }

    // A normalised character (possibly empty after accent stripping) with its source offsets.
    private readonly record struct Unit(string Text, int Start, int End);

    /// <summary>BERT's BasicTokenizer: words as lists of normalised characters with offsets.</summary>
    private List<List<Unit>> BasicTokens(string text)
    {
        var words = new List<List<Unit>>();
        var current = new List<Unit>();
        void Flush()
        {
            if (current.Count > 0) words.Add(current);
            current = new List<Unit>();
        }
        for (int i = 0; i < text.Length;)
        {
            bool pair = char.IsSurrogatePair(text, i);
            int cp = pair ? char.ConvertToUtf32(text, i) : text[i];
            int start = i;
            i += pair ? 2 : 1;
            // NUL, U+FFFD, control characters and lone surrogates are dropped, as BERT's _clean_text.
            if (cp == 0 || cp == 0xFFFD || char.IsSurrogate((char)Math.Min(cp, 0xFFFF)) && !pair || IsControl(cp)) continue;
            if (IsWhitespace(cp)) { Flush(); continue; }
            string s = char.ConvertFromUtf32(cp);
            if (IsCjk(cp)) { Flush(); words.Add([new Unit(s, start, i)]); continue; }
            if (LowerCase) s = StripAccents(s.ToLowerInvariant());
            if (s.Length == 0) continue;
            if (IsPunctuation(cp)) { Flush(); words.Add([new Unit(s, start, i)]); continue; }
            current.Add(new Unit(s, start, i));
        }
        Flush();
        return words;
    }

    private static string StripAccents(string s)
    {
        string d = s.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(d.Length);
        foreach (char c in d)
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) sb.Append(c);
        return sb.ToString();
    }

    private static bool IsWhitespace(int cp) =>
        cp is ' ' or '\t' or '\n' or '\r' || (cp < 0x10000 && CharUnicodeInfo.GetUnicodeCategory((char)cp) == UnicodeCategory.SpaceSeparator);

    private static bool IsControl(int cp)
    {
        if (cp is '\t' or '\n' or '\r') return false;
        var cat = CharUnicodeInfo.GetUnicodeCategory(cp);
        return cat is UnicodeCategory.Control or UnicodeCategory.Format;
    }

    // BERT treats all non-letter/number ASCII as punctuation, plus Unicode P* categories.
    private static bool IsPunctuation(int cp)
    {
        if (cp is >= 33 and <= 47 or >= 58 and <= 64 or >= 91 and <= 96 or >= 123 and <= 126) return true;
        var cat = CharUnicodeInfo.GetUnicodeCategory(cp);
        return cat is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
            or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
            or UnicodeCategory.OtherPunctuation;
    }

    // The CJK Unified Ideographs blocks, as BERT's _is_chinese_char.
    private static bool IsCjk(int cp) =>
        cp is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF or >= 0x2A700 and <= 0x2B73F
            or >= 0x2B740 and <= 0x2B81F or >= 0x2B820 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;
}
