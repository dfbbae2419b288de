using ClinicalNer.Data.Readers;

namespace ClinicalNer.Tests;

/// <summary>Unlabeled text cut into pretraining documents: records joined, dumps split, HTML residue removed, sources weighted.</summary>
public class PretrainingCorpusTests : TempDirTest
{
    [Fact]
    public void Sections_of_one_ccks_record_become_one_document_in_reading_order()
    {
        // Written in the opposite order of a discharge record; record 2 sorts after record 10 by name but is its own document.
        Write("emr/part-1/出院情况/出院情况-10", "出院时无头痛。");
        Write("emr/part-1/一般项目/一般项目-10", "男性，40岁。");
        Write("emr/part-1/病史特点/病史特点-10", "头晕7天。");
        Write("emr/part-1/一般项目/一般项目-2", "女性，61岁。");
        Write("emr/part-2/一般项目/一般项目-10", "另一份病历。");   // same number, another folder: another record
        var (documents, sources) = PretrainingCorpus.Load([new PretrainingSource(Path.Combine(Dir, "emr"))]);
        Assert.Equal(3, documents.Count);
        Assert.Contains("男性，40岁。\n头晕7天。\n出院时无头痛。", documents);
        Assert.Contains("女性，61岁。", documents);
        Assert.Contains("另一份病历。", documents);
        Assert.Equal(new PretrainingSourceSummary(Path.Combine(Dir, "emr"), 5, 3, documents.Sum(d => (long)d.Length), 1), sources.Single());
    }

    [Fact]
    public void A_dump_is_split_at_blank_lines_and_a_csv_gives_one_document_per_row()
    {
        Write("qa/dump.txt", "问一？\n答一。\n\n问二？\r\n答二。\r\n  \r\n\n问三？");
        Write("qa/rows.csv", "department,title,ask,answer\n内科,\"头痛, 怎么办\",\"我\"\"头痛\"\"\n三天\",多休息\n外科,骨折,摔倒了,就医\n");
        var (documents, _) = PretrainingCorpus.Load([new PretrainingSource(Path.Combine(Dir, "qa"))]);
        // Files in path order: dump.txt, then rows.csv.
        Assert.Equal(["问一？\n答一。", "问二？\r\n答二。", "问三？", "内科\n头痛, 怎么办\n我\"头痛\"\n三天\n多休息", "外科\n骨折\n摔倒了\n就医"], documents);
    }

    [Fact]
    public void Html_residue_is_decoded_and_removed()
    {
        Assert.Equal("神清， 心率80次/分", PretrainingCorpus.Clean("神清，&lt;font size=&quot;2&quot;&gt;&amp;nbsp;&lt;/font&gt;心率80次/分"));
        Assert.Equal("血压<140mmHg", PretrainingCorpus.Clean("血压&lt;140mmHg"));   // a lone '<' is text, not a tag
        Assert.Equal("无异常", PretrainingCorpus.Clean("  无异常 "));
    }

    [Fact]
    public void A_weighted_source_enters_the_pass_that_many_times_and_bad_weights_are_refused()
    {
        Write("a/one.txt", "甲。");
        Write("b/two.txt", "乙。\n\n丙。");
        var (documents, sources) = PretrainingCorpus.Load([new PretrainingSource(Path.Combine(Dir, "a"), 3), new PretrainingSource(Path.Combine(Dir, "b"))]);
        Assert.Equal(["甲。", "甲。", "甲。", "乙。", "丙。"], documents);
        Assert.Equal([3, 1], sources.Select(s => s.Weight));
        Assert.Equal([1, 2], sources.Select(s => s.Documents));
        var error = Assert.Throws<ArgumentException>(() => PretrainingCorpus.Load([new PretrainingSource(Path.Combine(Dir, "a"), 0)]));
        Assert.Contains("weight 0", error.Message);
        Assert.Throws<FileNotFoundException>(() => PretrainingCorpus.Load([new PretrainingSource(Path.Combine(Dir, "missing"))]).Documents.Count);
    }
}
