using ClinicalNer.Models.Tagging;
using ClinicalNer.Training;

namespace ClinicalNer.Tests;

public class TrainerTests : TempDirTest
{
    private static readonly List<Document> Tiny = TinyCorpus.Documents;

    private static TaggerModel Small(TaggerInputs inputs, DecoderKind decoder = DecoderKind.Crf, EncoderKind encoder = EncoderKind.BiLstm, int heads = 0) =>
        TaggerModel.Create(inputs, inputs.ModelConfig(c => c with { CharEmbeddingDim = 16, HiddenSize = 16, Dropout = 0.1, Decoder = decoder, Encoder = encoder, AttentionHeads = heads }));

    [Theory]
    [InlineData(DecoderKind.Crf, EncoderKind.BiLstm, 0)]
    [InlineData(DecoderKind.Softmax, EncoderKind.BiLstm, 0)]
    [InlineData(DecoderKind.Crf, EncoderKind.BiGru, 2)]
    public void A_tiny_model_overfits_a_tiny_set(DecoderKind decoder, EncoderKind encoder, int heads)
    {
        var inputs = TaggerInputs.Build(Tiny);
        using var model = Small(inputs, decoder, encoder, heads);
        var result = new Trainer(new TrainerOptions(Epochs: 80, BatchSize: 5, LearningRate: 0.02, Patience: 0)).Fit(model, Tiny, Tiny);
        Assert.Equal(1.0, result.BestDevF1);
        Assert.Equal(1.0, Trainer.Evaluate(model, Tiny).Micro.F1);
    }

    [Fact]
    public void A_saved_checkpoint_predicts_identically_after_reload()
    {
        var inputs = TaggerInputs.Build(Tiny);
        string output = Path.Combine(Dir, "run");
        using var model = Small(inputs);
        var result = new Trainer(new TrainerOptions(Epochs: 10, BatchSize: 2, LearningRate: 0.01, Patience: 0, OutputDir: output)).Fit(model, Tiny, Tiny);
        using var best = TaggerModel.Load(result.BestCheckpoint!);
        using var last = TaggerModel.Load(Path.Combine(output, Trainer.LastDir));
        model.Network.eval();
        last.Network.eval();
        var a = model.PredictWithConfidence(Tiny);
        var b = last.PredictWithConfidence(Tiny);
        Assert.Equal(a.Select(x => x.Spans), b.Select(x => x.Spans));
        Assert.Equal(a.Select(x => x.Confidence), b.Select(x => x.Confidence));
        Assert.Equal(result.BestDevF1, Trainer.Evaluate(best, Tiny).Micro.F1, 12);
    }

    [Fact]
    public void Resume_after_an_interruption_reproduces_the_uninterrupted_run()
    {
        var inputs = TaggerInputs.Build(Tiny);
        ResumeCheck.AssertResumeReproducesTheUninterruptedRun(() => Small(inputs),
            dir => new(Epochs: 6, BatchSize: 2, LearningRate: 0.01, Patience: 0, WarmupFraction: 0.2, LinearDecay: true, OutputDir: dir), Dir, Tiny);
    }

    [Fact]
    public void Early_stopping_and_progress_events()
    {
        var inputs = TaggerInputs.Build(Tiny);
        using var model = Small(inputs);
        var events = new List<TrainingEvent>();
        var trainer = new Trainer(new TrainerOptions(Epochs: 50, BatchSize: 5, LearningRate: 0.05, Patience: 2));
        trainer.Progress += events.Add;
        var result = trainer.Fit(model, Tiny, Tiny);
        Assert.True(result.StoppedEarly);
        Assert.Equal(result.BestEpoch + 2, result.History.Count);
        Assert.Equal(result.History.Count, events.Count(e => e.IsEpochEnd));
        Assert.Equal(result.History.Count, events.Count(e => !e.IsEpochEnd)); // one step per epoch here
        Assert.All(events, e => Assert.True(double.IsFinite(e.Loss)));
    }

    [Fact]
    public void Missing_checkpoint_files_and_mismatched_weights_are_named()
    {
        var inputs = TaggerInputs.Build(Tiny);
        using var model = Small(inputs);
        string dir = Path.Combine(Dir, "ckpt");
        model.Save(dir);
        File.Delete(Path.Combine(dir, TaggerModel.InputsFile));
        Assert.Contains("lacks inputs.json", Assert.Throws<FileNotFoundException>(() => TaggerModel.Load(dir)).Message);
        model.Save(dir);
        File.WriteAllText(Path.Combine(dir, TaggerModel.ConfigFile), (model.Tagger.Config with { HiddenSize = 8 }).ToJson());
        var ex = Assert.Throws<InvalidDataException>(() => TaggerModel.Load(dir));
        Assert.Contains("size mismatch for encoder.rnn.weight_hh_l0", ex.Message);
    }
}
