using ClinicalNer.Models.Bert;
using ClinicalNer.Models.Tagging;
using ClinicalNer.Training;
using TorchBinding;
using ClinicalNer.Models;
using ClinicalNer.Models.Specs;

namespace ClinicalNer.Tests;

/// <summary>
/// Checkpoints written before the taggers were composed of parts still load, every tensor in its new place. No weights
/// are committed: each test saves a model and rewrites its weights file under the names the code before the change wrote
/// (checked on 2026-11-29 against checkpoints of that code: <c>char_embedding.*</c> and <c>encoder.weight_ih_l0</c>-style
/// names directly under the tagger, and a BERT tagger's BiLSTM directly under <c>lstm.</c>).
/// </summary>
public class LegacyCheckpointTests : TempDirTest
{
    // Today's name → the name the code before the change wrote.
    private static string Legacy(string key) =>
        key.StartsWith("embedder.", StringComparison.Ordinal) ? key["embedder.".Length..]
        : key.StartsWith("encoder.rnn.", StringComparison.Ordinal) ? "encoder." + key["encoder.rnn.".Length..]
        : key.StartsWith("lstm.rnn.", StringComparison.Ordinal) ? "lstm." + key["lstm.rnn.".Length..]
        : key;

    private void AssertOldLayoutLoads(INerModel model, string oldKey, string newKey)
    {
        string dir = Path.Combine(Dir, "old");
        model.Save(dir);
        string weights = Path.Combine(dir, CheckpointFiles.WeightsFile);
        var saved = torch.safetensors.load(weights);
        var old = saved.ToDictionary(kv => Legacy(kv.Key), kv => kv.Value);
        Assert.Contains(oldKey, old.Keys);
        torch.safetensors.save(old, weights);

        using var loaded = NerCheckpoint.Load(dir);   // strict: every tensor of the file must find its parameter
        var parameters = loaded.Network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.DoesNotContain(oldKey, parameters.Keys);
        Assert.True(parameters[newKey].allclose(old[oldKey]), $"{newKey} does not hold the file's {oldKey}");
        Assert.Equal(old.Count, loaded.Network.state_dict().Count);
        Assert.Single(loaded.Predict([Document.Create("x", "患者3天前无明显诱因出现头部疼痛。", [], "test")]));
    }

    [Theory]
    [InlineData("encoder.weight_ih_l0", "encoder.rnn.weight_ih_l0")]
    [InlineData("char_embedding.weight", "embedder.char_embedding.weight")]
    public void An_old_bilstm_crf_checkpoint_loads_with_its_weights_under_the_new_names(string oldKey, string newKey)
    {
        var inputs = TaggerInputs.Build(TinyCorpus.Documents);
        using var model = TaggerModel.Create(inputs, inputs.ModelConfig(c => c with { CharEmbeddingDim = 4, HiddenSize = 4 }));
        AssertOldLayoutLoads(model, oldKey, newKey);
    }

    [Fact]
    public void An_old_bert_bilstm_crf_checkpoint_loads_with_its_weights_under_the_new_names()
    {
        var tokenizer = new WordPieceTokenizer(new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "。" }.Concat(TinyCorpus.Documents.SelectMany(d => d.Chars).Distinct()));
        var bert = BertConfig.Tiny with { HiddenSize = 16, Heads = 2, IntermediateSize = 32, MaxPositions = 24, Layers = 1 };
        using var model = BertTaggerModel.Create(TinyCorpus.Documents, tokenizer, bert, head: BertHead.BiLstmCrf, customize: c => c with { LstmHidden = 4 });
        AssertOldLayoutLoads(model, "lstm.weight_hh_l0_reverse", "lstm.rnn.weight_hh_l0_reverse");
    }
}
