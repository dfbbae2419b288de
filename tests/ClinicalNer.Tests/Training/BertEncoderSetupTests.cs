using ClinicalNer.Models.Bert;
using ClinicalNer.Training;

namespace ClinicalNer.Tests;

/// <summary>The encoder a notebook's BERT runs start from: pretrained when a finished one is there, else random over a vocabulary.</summary>
public class BertEncoderSetupTests : TempDirTest
{
    [Fact]
    public void Without_an_encoder_a_smoke_run_gets_a_tiny_random_one_over_its_own_characters()
    {
        var none = new PretrainedEncoder(null, "BERT: none");
        var setup = BertEncoderSetup.For(none, vocabPath: null, smoke: true, ["发热三天", "咳嗽"], Path.Combine(Dir, "runs"));
        string vocab = Path.Combine(Dir, "runs", "vocab.txt");
        Assert.Equal(vocab, setup.Spec.Vocab);
        Assert.Null(setup.Spec.Checkpoint);
        Assert.Equal(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "三", "发", "咳", "嗽", "天", "热"], File.ReadAllLines(vocab));
        Assert.Equal(BertEncoderSetup.SmokeConfig with { VocabSize = 11 }, setup.Config);
        Assert.Equal(setup.Config, setup.Spec.Config);
        Assert.Contains("a random encoder, 2 x 32", setup.Notice, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pretrained_encoder_brings_its_sizes_and_vocabulary()
    {
        string dir = Path.Combine(Dir, "bert");
        Directory.CreateDirectory(dir);
        var config = BertConfig.Tiny with { VocabSize = 6 };
        File.WriteAllText(Path.Combine(dir, BertCheckpoint.ConfigFile), config.ToJson());
        File.WriteAllLines(Path.Combine(dir, BertCheckpoint.VocabFile), ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "热"]);
        var setup = BertEncoderSetup.For(new PretrainedEncoder(dir, "BERT: given"), vocabPath: null, smoke: false, [], Path.Combine(Dir, "runs"));
        Assert.Equal(dir, setup.Spec.Checkpoint);
        Assert.Equal(config, setup.Config);
        Assert.Equal(6, setup.Tokenizer.VocabularySize);
        Assert.False(Directory.Exists(Path.Combine(Dir, "runs")));   // nothing written for a pretrained encoder
    }
}
