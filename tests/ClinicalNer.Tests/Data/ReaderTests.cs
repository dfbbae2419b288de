using System.IO.Compression;
using System.Text;
using ClinicalNer.Data;
using ClinicalNer.Data.Readers;

namespace ClinicalNer.Tests;

public class ReaderTests : TempDirTest
{
    [Fact]
    public void Kbert_tsv_reads_and_reports_mismatches()
    {
        string ok = Write("k.tsv", "text_a\tlabel\n头 痛 ， 咳 嗽\tB-BodyPart B-Symptom O B-Symptom I-Symptom\n");
        var doc = KbertTsvReader.Read(ok).Documents.Single();
        Assert.Equal(new[] { new EntitySpan(0, 1, "BodyPart"), new EntitySpan(1, 2, "Symptom"), new EntitySpan(3, 5, "Symptom") }, doc.Entities);
        string bad = Write("b.tsv", "text_a\tlabel\n头 痛\tO\n");
        Assert.Contains($"{bad}:2: 2 characters but 1 tags", Assert.Throws<DataFormatException>(() => KbertTsvReader.Read(bad)).Message);
        string noHeader = Write("h.tsv", "头 痛\tO O\n");
        Assert.Contains("expected the header", Assert.Throws<DataFormatException>(() => KbertTsvReader.Read(noHeader)).Message);
    }

    private void WriteCcksRecord(string root)
    {
        Write(Path.Combine(root, "病史特点", "病史特点-1.txtoriginal.txt"), "女性，主因右髋部摔伤后疼痛肿胀。");
        Write(Path.Combine(root, "病史特点", "病史特点-1.txt"), "右髋部\t5\t7\t身体部位\r\n疼痛\t11\t12\t症状和体征\r\n肿胀\t13\t14\t症状和体征\r\n");
        Write(Path.Combine(root, "病史特点", "病史特点-2.txtoriginal.txt"), "行CT检查。");
        Write(Path.Combine(root, "病史特点", "病史特点-2.txt"), "CT检查\t1\t4\t检查和检验\r\n");
    }

    [Fact]
    public void Ccks2017_original_from_directory_and_zip()
    {
        string root = Path.Combine(Dir, "data_origin");
        WriteCcksRecord(root);
        var fromDir = Ccks2017Reader.ReadOriginal(root, RepairPolicy.Strict);
        Assert.Equal(2, fromDir.Documents.Count);
        var d1 = fromDir.Documents[0];
        Assert.Equal(new[] { "BODY", "SIGNS", "SIGNS" }, d1.Entities.Select(e => e.Type));
        Assert.Equal("右髋部", d1.Surface(d1.Entities[0]));
        Assert.Equal("CT检查", fromDir.Documents[1].Surface(fromDir.Documents[1].Entities[0]));

        string zip = Path.Combine(Dir, "origin.zip");
        ZipFile.CreateFromDirectory(root, zip, CompressionLevel.Fastest, includeBaseDirectory: true);
        var fromZip = Ccks2017Reader.ReadOriginal(zip, RepairPolicy.Strict);
        Assert.Equal(fromDir.Documents.Select(d => d.Entities.Count), fromZip.Documents.Select(d => d.Entities.Count));
        Assert.Equal(CorpusFormat.Ccks2017Original, CorpusLoader.Detect(zip));
    }

    [Fact]
    public void Ccks2017_annotation_problems_are_located()
    {
        string root = Path.Combine(Dir, "bad");
        Write(Path.Combine(root, "x", "x-1.txtoriginal.txt"), "头痛。");
        Write(Path.Combine(root, "x", "x-1.txt"), "头痛\t0\t1\t症状和体征\r\n发热\t1\t2\t症状和体征\r\n头\t0\t0\t器官\r\n头\t0\t9\t身体部位\r\n");
        var repaired = Ccks2017Reader.ReadOriginal(root);
        Assert.Equal(3, repaired.Issues.Count);
        Assert.Contains("x-1.txt:2", repaired.Issues[0].Location);
        Assert.Contains("does not match the text", repaired.Issues[0].Problem);
        Assert.Contains("unknown entity type '器官'", repaired.Issues[1].Problem);
        Assert.Contains("lies outside a text of 3 characters", repaired.Issues[2].Problem);
        Assert.Throws<DataFormatException>(() => Ccks2017Reader.ReadOriginal(root, RepairPolicy.Strict));
        Write(Path.Combine(root, "x", "x-1.txt"), "头痛 0 1\r\n");
        Assert.Contains("expected 'entity<TAB>start<TAB>end<TAB>type'", Assert.Throws<DataFormatException>(() => Ccks2017Reader.ReadOriginal(root)).Message);
    }

    [Fact]
    public void Ccks2017_test_gold_csv_with_quoted_fields()
    {
        Write(Path.Combine("Data", "Test", "病史特点", "病史特点-301.txtoriginal.txt"), "予\"头孢\"治疗，腰部疼痛。");
        string csv = Write("final_gold_truth.csv", "301,病史特点,\"\"\"头孢\"\" 1 4 治疗;腰部 8 9 身体部位;疼痛 10 11 症状和体征;\"\n");
        var corpus = Ccks2017Reader.ReadTestGold(csv, policy: RepairPolicy.Strict);
        var doc = corpus.Documents.Single();
        Assert.Equal("病史特点-301", doc.Id);
        Assert.Equal(new[] { "\"头孢\"", "腰部", "疼痛" }, doc.Entities.Select(doc.Surface));
        Assert.Equal(new[] { "TREATMENT", "BODY", "SIGNS" }, doc.Entities.Select(e => e.Type));
    }

    [Fact]
    public void Json_lines_with_configurable_fields_and_inclusive_ends()
    {
        string path = Write("a.jsonl", "{\"sid\": 7, \"sentence\": \"左肺感染\", \"ents\": [{\"b\": 0, \"e\": 1, \"label\": \"BODY\"}, {\"b\": 2, \"e\": 3, \"label\": \"DISEASE\"}]}\n\n");
        var format = new JsonLinesFormat("sentence", "ents", "b", "e", "label", EndInclusive: true, IdField: "sid");
        var doc = JsonLinesReader.Read(path, format).Documents.Single();
        Assert.Equal("7", doc.Id);
        Assert.Equal(new[] { "左肺", "感染" }, doc.Entities.Select(doc.Surface));
        Assert.Contains("missing field 'sentence'", Assert.Throws<DataFormatException>(() => JsonLinesReader.Read(Write("b.jsonl", "{\"text\": \"x\"}"), format)).Message);
        Assert.Contains($":1: invalid JSON", Assert.Throws<DataFormatException>(() => JsonLinesReader.Read(Write("c.jsonl", "{oops"))).Message);
        var outside = JsonLinesReader.Read(Write("d.jsonl", "{\"text\": \"ab\", \"entities\": [{\"start\": 1, \"end\": 5, \"type\": \"X\"}]}"));
        Assert.Empty(outside.Documents[0].Entities);
        Assert.Contains("lies outside", outside.Issues.Single().Problem);
    }

    [Fact]
    public void Raw_text_in_utf8_with_bom_and_gb18030_and_nothing_else()
    {
        string dir = Path.Combine(Dir, "raw");
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "a.txt"), [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes("患者头痛。")]);
        File.WriteAllBytes(Path.Combine(dir, "b.txt"), TextDecoding.Gb18030.GetBytes("高血压患者能吃党参吗？"));
        File.WriteAllBytes(Path.Combine(dir, "c.txt"), []);
        var texts = RawTextReader.Read(dir).ToList();
        Assert.Equal(2, texts.Count);
        Assert.Equal(("患者头痛。", "UTF-8"), (texts[0].Text, texts[0].Encoding));
        Assert.Equal(("高血压患者能吃党参吗？", "GB18030"), (texts[1].Text, texts[1].Encoding));
        File.WriteAllBytes(Path.Combine(dir, "d.txt"), [0x41, 0x0A, 0x81, 0x20]);
        var ex = Assert.Throws<DataFormatException>(() => RawTextReader.Read(dir).ToList());
        Assert.Contains("d.txt:2", ex.Message);
        Assert.Contains("neither UTF-8 nor GB18030", ex.Message);
    }

    [Fact]
    public void Lexicons_and_triples()
    {
        var lex = LexiconReader.ReadLexicon(Write("l.txt", "高血压\t120\n糖尿病\n\n高血压\t5\n"));
        Assert.Equal(120, lex["高血压"]);
        Assert.Equal(1, lex["糖尿病"]);
        Assert.Contains(":1: expected 'term' or 'term<TAB>frequency'", Assert.Throws<DataFormatException>(() => LexiconReader.ReadLexicon(Write("m.txt", "高血压\tmany\n"))).Message);
        var triples = LexiconReader.ReadTriples(Write("kg.spo", "头痛\t类别\t症状\n"));
        Assert.Equal(new Triple("头痛", "类别", "症状"), triples.Single());
        Assert.Contains(":1: expected 'head<TAB>relation<TAB>tail'", Assert.Throws<DataFormatException>(() => LexiconReader.ReadTriples(Write("kg2.spo", "头痛\t类别\n"))).Message);
    }

    [Fact]
    public void Loader_takes_a_directory_of_splits_in_order()
    {
        string dir = Path.Combine(Dir, "splits");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "test.txt"), "头 B-BODY\n");
        File.WriteAllText(Path.Combine(dir, "train.txt"), "痛 B-SIGNS\n");
        File.WriteAllText(Path.Combine(dir, "dev.tsv"), "text_a\tlabel\n咳\tB-SIGNS\n");
        var corpora = CorpusLoader.Load(dir);
        Assert.Equal(new[] { "train.txt", "dev.tsv", "test.txt" }, corpora.Select(c => c.Name));
        Assert.Equal(1, CorpusStatistics.Of(corpora[1]).Entities);
    }

    [Fact]
    public void Hold_out_takes_every_tenth_document_as_dev_and_keeps_the_order()
    {
        var docs = Enumerable.Range(0, 23).Select(i => Document.Create(i.ToString(System.Globalization.CultureInfo.InvariantCulture), "患者", [], "t")).ToList();
        var (train, dev) = CorpusLoader.HoldOut(docs);
        Assert.Equal(["9", "19"], dev.Select(d => d.Id));
        Assert.Equal(21, train.Count);
        Assert.Equal(docs.Select(d => d.Id).Except(["9", "19"]), train.Select(d => d.Id));
        Assert.Equal(["1", "3", "5"], CorpusLoader.HoldOut(docs.Take(6).ToList(), every: 2).Dev.Select(d => d.Id));
        Assert.Throws<ArgumentOutOfRangeException>(() => CorpusLoader.HoldOut(docs, every: 1));
    }
}
