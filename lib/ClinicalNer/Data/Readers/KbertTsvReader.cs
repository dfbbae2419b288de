using System.Globalization;
using ClinicalNer.Text;

namespace ClinicalNer.Data.Readers;

/// <summary>
/// K-BERT's NER TSV: a header <c>text_a\tlabel</c>, then one sentence per line with its characters
/// and its tags each separated by single spaces.
/// </summary>
public static class KbertTsvReader
{
    /// <summary>Reads every sentence (id "file:line").</summary>
    /// <exception cref="DataFormatException">For a missing header, a line without a tab, or a character/tag count mismatch.</exception>
    public static Corpus Read(string path, RepairPolicy policy = RepairPolicy.Repair)
    {
        var documents = new List<Document>();
        var issues = new List<DataIssue>();
        bool header = true;
        foreach (var (lineNo, line) in TextDecoding.ReadLines(path))
        {
            string where = $"{path}:{lineNo}";
            if (header)
            {
                if (line.Trim() != "text_a\tlabel") throw new DataFormatException(new DataIssue(where, $"expected the header 'text_a<TAB>label', got {DataIssue.Quote(line)}"));
                header = false;
                continue;
            }
            if (line.Length == 0) continue;
            int tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab < 0) throw new DataFormatException(new DataIssue(where, "expected 'characters<TAB>tags'"));
            string[] chars = line[..tab].Split(' ');
            string[] tags = line[(tab + 1)..].Trim().Split(' ');
            if (chars.Length != tags.Length)
                throw new DataFormatException(new DataIssue(where, $"{chars.Length} characters but {tags.Length} tags"));
            var spans = TagCodec.Decode(tags, policy, where, issues, k => "token " + (k + 1).ToString(CultureInfo.InvariantCulture));
            documents.Add(new Document($"{Path.GetFileName(path)}:{lineNo}", chars, Document.Sorted(spans), where));
        }
        if (header) throw new DataFormatException(new DataIssue($"{path}:1", "empty file: expected the header 'text_a<TAB>label'"));
        return new Corpus(Path.GetFileName(path), documents, issues);
    }
}
