using System.Text;

namespace ClinicalNer.Tests;

/// <summary>Corpora as they are distributed: CBLUE's JSON arrays, blind test files, joined files with byte-order marks, folders with two candidates.</summary>
public class DistributedCorporaTests : TempDirTest
{
    private static readonly JsonLinesFormat Cmeee = new(StartField: "start_idx", EndField: "end_idx", EndInclusive: true);

    [Fact]
    public void A_json_array_reads_like_json_lines_with_cmeee_fields()
    {
        string path = Write("cmeee.json", """
            [
              {"text": "患者头痛三天", "entities": [{"start_idx": 2, "end_idx": 3, "type": "sym", "entity": "头痛"}]},
              {"text": "查血常规", "entities": [{"start_idx": 1, "end_idx": 3, "type": "ite", "entity": "血常规"}]}
            ]
            """);
        var corpus = JsonLinesReader.Read(path, Cmeee);
        Assert.Equal(2, corpus.Documents.Count);
        Assert.Equal([new EntitySpan(2, 4, "sym")], corpus.Documents[0].Entities);
        Assert.Equal("头痛", corpus.Documents[0].Surface(corpus.Documents[0].Entities[0]));
        Assert.Equal("血常规", corpus.Documents[1].Surface(corpus.Documents[1].Entities[0]));
        Assert.Equal(CorpusFormat.JsonLines, CorpusLoader.Detect(path));

        string bad = Write("bad.json", """[{"text": "头痛", "entities": []}, {"text": 5, "entities": []}]""");
        var error = Assert.Throws<DataFormatException>(() => JsonLinesReader.Read(bad));
        Assert.Contains("document 2 of the array", error.Message, StringComparison.Ordinal);
        Assert.Contains("'text' is a number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_blind_file_reads_without_entities_and_a_file_where_only_some_lack_them_is_refused()
    {
        var blind = JsonLinesReader.Read(Write("test.json", """[{"id": "a", "text": "头痛"}, {"id": "b", "text": "发热"}]"""));
        Assert.All(blind.Documents, d => Assert.Empty(d.Entities));
        Assert.Equal("b", blind.Documents[1].Id);
        string mixed = Write("mixed.jsonl", "{\"text\": \"头痛\", \"entities\": []}\n{\"text\": \"发热\"}\n");
        var error = Assert.Throws<DataFormatException>(() => JsonLinesReader.Read(mixed));
        Assert.Contains("mixed.jsonl:2", error.Message, StringComparison.Ordinal);
        Assert.Contains("missing field 'entities'", error.Message, StringComparison.Ordinal);
        // A list under another name is a misnamed field, not a blind file.
        string renamed = Write("renamed.jsonl", "{\"text\": \"头痛\", \"ents\": [{\"start\": 0, \"end\": 1, \"type\": \"X\"}]}\n");
        Assert.Contains("(fields: text, ents)", Assert.Throws<DataFormatException>(() => JsonLinesReader.Read(renamed)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_byte_order_mark_inside_a_file_is_named_and_removed_or_refused()
    {
        // Two files each starting with a BOM, joined with cat: the second BOM lands at the start of a line.
        byte[] first = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("{\"text\": \"头痛\", \"entities\": []}\n")).ToArray();
        byte[] second = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("{\"text\": \"发热\", \"entities\": []}\n")).ToArray();
        string path = Path.Combine(Dir, "joined.jsonl");
        File.WriteAllBytes(path, [.. first, .. second]);
        var corpus = JsonLinesReader.Read(path);
        Assert.Equal(["头痛", "发热"], corpus.Documents.Select(d => d.Text));
        var issue = Assert.Single(corpus.Issues);
        Assert.Equal($"{path}:2", issue.Location);
        Assert.Contains("byte-order mark", issue.Problem, StringComparison.Ordinal);
        var strict = Assert.Throws<DataFormatException>(() => JsonLinesReader.Read(path, policy: RepairPolicy.Strict));
        Assert.Contains("byte-order mark (U+FEFF, bytes EF BB BF)", strict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_line_that_is_not_json_says_so_in_words()
    {
        string path = Write("mixed.json", "{\"text\": \"头痛\", \"entities\": []}\n，患者发热\n");
        var error = Assert.Throws<DataFormatException>(() => JsonLinesReader.Read(path));
        Assert.Contains("mixed.json:2", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a JSON line: it starts with '，'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("0x", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_with_two_files_for_one_split_names_both()
    {
        Write("corpus/train.json", "[]");
        Write("corpus/train.txt", "头 B-BODY\n");
        Write("corpus/dev.txt", "头 B-BODY\n");
        var error = Assert.Throws<DataFormatException>(() => CorpusLoader.Load(Path.Combine(Dir, "corpus")));
        Assert.Contains("two files for the train split: train.json and train.txt", error.Message, StringComparison.Ordinal);
    }
}
