using System.Text;

namespace ClinicalNer.Data.Readers;

/// <summary>
/// Decodes text files that are UTF-8 (with or without BOM) or GB18030 (the medical dialogue corpus),
/// and refuses anything else with a clear error rather than producing mojibake.
/// </summary>
public static class TextDecoding
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    static TextDecoding() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>
    /// Raised (with the file named) when a file decodes as GB18030 but reads like another single-byte encoding: more
    /// than <see cref="RareShareForWarning"/> of its non-ASCII characters fall outside GB2312's characters and
    /// punctuation, as Latin-1 accented letters followed by ASCII letters do. The CLI prints it as a warning.
    /// </summary>
    public static event Action<string>? Warning;

    /// <summary>The share of rare characters above which a GB18030 decoding is reported as suspicious.</summary>
    public const double RareShareForWarning = 0.3;

    /// <summary>GB18030, strict (invalid byte sequences throw).</summary>
    public static Encoding Gb18030 { get; } = GetGb18030();

    private static Encoding GetGb18030()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("GB18030", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    }

    /// <summary>The whole text of a file and the encoding it was read with ("UTF-8" or "GB18030").</summary>
    /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
    /// <exception cref="DataFormatException">When the bytes are neither UTF-8 nor GB18030.</exception>
    public static (string Text, string Encoding) ReadAllText(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"no such file: {path}", path);
        return Decode(File.ReadAllBytes(path), path);
    }

    /// <summary>Decodes bytes named by <paramref name="where"/> in error messages.</summary>
    public static (string Text, string Encoding) Decode(byte[] bytes, string where)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        int skip = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        try
        {
            return (StrictUtf8.GetString(bytes, skip, bytes.Length - skip), "UTF-8");
        }
        catch (DecoderFallbackException utf8Error) when (skip == 0)
        {
            try
            {
                string text = Gb18030.GetString(bytes);
                double rare = RareShare(text);
                if (rare > RareShareForWarning)
                    Warning?.Invoke($"{where}: decoded as GB18030, but {rare:P0} of its non-ASCII characters are rare outside GB2312: " +
                                    "is it Latin-1 or another encoding? Convert it to UTF-8 to be sure");
                return (text, "GB18030");
            }
            catch (DecoderFallbackException)
            {
                throw new DataFormatException(new DataIssue($"{where}:{LineOf(bytes, utf8Error.Index)}",
                    $"neither UTF-8 nor GB18030 (invalid byte 0x{bytes[Math.Max(0, utf8Error.Index)]:X2} at offset {utf8Error.Index}); convert the file to UTF-8"));
            }
        }
        catch (DecoderFallbackException bad)
        {
            throw new DataFormatException(new DataIssue($"{where}:{LineOf(bytes, bad.Index + skip)}", "invalid UTF-8 after a UTF-8 byte-order mark"));
        }
    }

    /// <summary>The lines of a decoded file with 1-based line numbers (CRLF or LF).</summary>
    public static IEnumerable<(int Line, string Text)> ReadLines(string path)
    {
        string text = ReadAllText(path).Text;
        int lineNo = 0, start = 0;
        for (int i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] != '\n') continue;
            lineNo++;
            int end = i > start && text[i - 1] == '\r' ? i - 1 : i;
            if (i < text.Length || end > start) yield return (lineNo, text[start..end]);
            start = i + 1;
        }
    }

    /// <summary>
    /// The share of non-ASCII characters of <paramref name="text"/> whose GB18030 bytes lie outside GB2312 (two-byte
    /// codes with a lead byte in A1-A9 or B0-F7 and a trail byte in A1-FE): Chinese text is almost all GB2312, while
    /// Latin-1 read as GB18030 pairs an accented letter with the next byte into rare GBK characters.
    /// </summary>
    public static double RareShare(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int nonAscii = 0, rare = 0;
        Span<byte> buffer = stackalloc byte[8];
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] < 0x80) continue;
            int length = char.IsHighSurrogate(text[i]) && i + 1 < text.Length ? 2 : 1;
            nonAscii++;
            int n = Gb18030.GetBytes(text.AsSpan(i, length), buffer);
            bool common = n == 2 && ((buffer[0] >= 0xA1 && buffer[0] <= 0xA9) || (buffer[0] >= 0xB0 && buffer[0] <= 0xF7)) && buffer[1] >= 0xA1 && buffer[1] <= 0xFE;
            if (!common) rare++;
            i += length - 1;
        }
        return nonAscii == 0 ? 0 : (double)rare / nonAscii;
    }

    private static int LineOf(byte[] bytes, int offset)
    {
        int line = 1;
        for (int k = 0; k < Math.Min(offset, bytes.Length); k++) if (bytes[k] == '\n') line++;
        return line;
    }
}
