using ClinicalNer.Training;
using TorchBinding;

namespace ClinicalNer.Tests;

/// <summary>
/// Checkpoints written before the taggers were composed of parts (Fixtures/checkpoints, written by lab train on
/// 2026-11-29: a BiLSTM-CRF and a tiny BERT-BiLSTM-CRF on the bundled sample) still load, every tensor in its new place.
/// </summary>
public class LegacyCheckpointTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "checkpoints", name);

    [Theory]
    [InlineData("bilstm-crf-2026-11-29", "encoder.weight_ih_l0", "encoder.rnn.weight_ih_l0")]
    [InlineData("bilstm-crf-2026-11-29", "char_embedding.weight", "embedder.char_embedding.weight")]
    [InlineData("bert-bilstm-crf-2026-11-29", "lstm.weight_hh_l0_reverse", "lstm.rnn.weight_hh_l0_reverse")]
    public void An_old_checkpoint_loads_with_its_weights_under_the_new_names(string name, string oldKey, string newKey)
    {
        string dir = Fixture(name);
        using var model = NerCheckpoint.Load(dir);   // strict: every tensor of the file must find its parameter
        var saved = torch.safetensors.load(Path.Combine(dir, "model.safetensors"));
        var loaded = model.Network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.DoesNotContain(oldKey, loaded.Keys);
        Assert.True(loaded[newKey].allclose(saved[oldKey]), $"{newKey} does not hold the file's {oldKey}");
        Assert.Equal(saved.Count, model.Network.state_dict().Count);
        var predicted = model.Predict([Document.Create("x", "患者3天前无明显诱因出现头部疼痛。", [], "test")]);
        Assert.Single(predicted);
    }
}
