namespace ClinicalNer.Tests;

/// <summary>Entity counts of the real corpora equal those in ../shared/data/README.md.</summary>
public class RealCorpusCountTests
{
    [RealDataFact("ccks2017/original/data_origin.zip")]
    public void Ccks2017_original_training_set_has_29866_entities()
    {
        var corpus = Ccks2017Reader.ReadOriginal(RealDataFactAttribute.PathOf("ccks2017/original/data_origin.zip"), RepairPolicy.Strict);
        Assert.Equal(1198, corpus.Documents.Count);
        Assert.Equal(29866, corpus.EntityCount);
        Assert.Empty(corpus.Issues);
        // The char-per-line copy of the same set (suffix-order tags) agrees.
        var flat = ConllReader.Read(RealDataFactAttribute.PathOf("ccks2017/original/train.txt"), RepairPolicy.Strict);
        Assert.Equal(29866, flat.EntityCount);
    }

    [RealDataFact("ccks2017/split")]
    public void Ccks2017_split_counts()
    {
        string dir = RealDataFactAttribute.PathOf("ccks2017/split");
        var train = CorpusStatistics.Of(ConllReader.Read(Path.Combine(dir, "train_set"), RepairPolicy.Strict));
        Assert.Equal((213436L, 24783), (train.Characters, train.Entities));
        Assert.Equal(new[] { 8942, 515, 853 }, new[] { train.EntitiesByType["BODY"], train.EntitiesByType["DISEASE"], train.EntitiesByType["TREATMENT"] });
        var dev = ConllReader.Read(Path.Combine(dir, "dev_set"), RepairPolicy.Drop);
        Assert.Equal(2716, dev.EntityCount);
        Assert.Single(dev.Issues); // the one run that starts with I-
        Assert.Equal(2717, ConllReader.Read(Path.Combine(dir, "dev_set"), RepairPolicy.Repair).EntityCount);
        var test = CorpusStatistics.Of(ConllReader.Read(Path.Combine(dir, "test_set"), RepairPolicy.Strict));
        Assert.Equal((21944L, 2366), (test.Characters, test.Entities));
        Assert.Equal(855, test.EntitiesByType["BODY"]);
    }

    [RealDataFact("kbert/medical_ner")]
    public void Kbert_medical_counts_by_b_tags_and_by_conlleval()
    {
        string dir = RealDataFactAttribute.PathOf("kbert/medical_ner");
        int[] sentences = [6919, 939, 755], byB = [23735, 3409, 2721], conlleval = [23750, 3410, 2722], orphans = [15, 1, 1];
        string[] splits = ["train.tsv", "dev.tsv", "test.tsv"];
        for (int k = 0; k < 3; k++)
        {
            var dropped = KbertTsvReader.Read(Path.Combine(dir, splits[k]), RepairPolicy.Drop);
            Assert.Equal(sentences[k], dropped.Documents.Count);
            Assert.Equal(byB[k], dropped.EntityCount);
            Assert.Equal(orphans[k], dropped.Issues.Count);
            Assert.Equal(conlleval[k], KbertTsvReader.Read(Path.Combine(dir, splits[k])).EntityCount);
        }
    }

    [RealDataFact("ccks2017/test/final_gold_truth.csv")]
    public void Ccks2017_official_test_has_9112_entities_in_398_files()
    {
        var corpus = Ccks2017Reader.ReadTestGold(RealDataFactAttribute.PathOf("ccks2017/test/final_gold_truth.csv"), policy: RepairPolicy.Strict);
        Assert.Equal(398, corpus.Documents.Count);
        Assert.Equal(9112, corpus.EntityCount);
    }

    [RealDataFact("kbert/kgs/Medical.spo")]
    public void Medical_knowledge_graph_has_13864_triples()
    {
        var triples = LexiconReader.ReadTriples(RealDataFactAttribute.PathOf("kbert/kgs/Medical.spo"));
        Assert.Equal(13864, triples.Count);
        Assert.All(triples.Take(100), t => Assert.Equal("类别", t.Relation));
    }

    [RealDataFact("unlabeled/medical-dialogue")]
    public void Medical_dialogue_is_detected_as_gb18030()
    {
        var texts = RawTextReader.Read(RealDataFactAttribute.PathOf("unlabeled/medical-dialogue")).ToList();
        Assert.NotEmpty(texts);
        Assert.All(texts, t => Assert.Equal("GB18030", t.Encoding));
        Assert.Contains("高血压", texts[0].Text);
    }
}
