using ClinicalNer.Models.Tagging;
using ClinicalNer.Training;

namespace ClinicalNer.Tests;

/// <summary>Training with a moving average of the weights: the average is what is evaluated, kept and resumed.</summary>
public class WeightAveragingTests : TempDirTest
{
    private const double Decay = 0.9;
    private static readonly List<Document> Tiny = TinyCorpus.Documents;

    private static TaggerModel Small(TaggerInputs inputs) =>
        TaggerModel.Create(inputs, inputs.ModelConfig(c => c with { CharEmbeddingDim = 8, HiddenSize = 8, Dropout = 0.1 }), seed: 3);

    private static TrainerOptions Options(string? dir, int epochs, double averaging = Decay) =>
        new(Epochs: epochs, BatchSize: 2, LearningRate: 0.05, Patience: 0, Seed: 2, OutputDir: dir, WeightAveraging: averaging);

    [Fact]
    public void The_model_ends_with_the_moving_average_of_its_best_epoch_computed_by_hand()
    {
        var inputs = TaggerInputs.Build(Tiny);
        using var model = Small(inputs);
        var trainer = new Trainer(Options(null, 6));
        // Oracle: the raw character embedding after every optimizer step, averaged here in doubles with the documented
        // decay min(d, (1 + n) / (10 + n)), starting from the initial weights.
        double[] average = Values(model.Tagger.CharEmbedding.weight);
        var averageAtEpochEnd = new Dictionary<int, double[]>();
        var rawAtEpochEnd = new Dictionary<int, double[]>();
        long updates = 0;
        trainer.Progress += e =>
        {
            if (e.IsEpochEnd)
            {
                averageAtEpochEnd[e.Epoch] = (double[])average.Clone();
                rawAtEpochEnd[e.Epoch] = Values(model.Tagger.CharEmbedding.weight);   // the average is in place only while evaluating
                return;
            }
            double d = Math.Min(Decay, (1.0 + updates) / (10.0 + updates));
            double[] raw = Values(model.Tagger.CharEmbedding.weight);
            for (int i = 0; i < average.Length; i++) average[i] += (1 - d) * (raw[i] - average[i]);
            updates++;
        };
        var result = trainer.Fit(model, Tiny, Tiny);

        double[] expected = averageAtEpochEnd[result.BestEpoch];
        double[] actual = Values(model.Tagger.CharEmbedding.weight);
        Assert.Equal(expected.Length, actual.Length);
        // float32 weights against a float64 average: equal within 1e-5 (not "to 5 decimals", which flips at a rounding boundary).
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5, $"weight {i}: {actual[i]} against the hand-computed average {expected[i]}");
        // ... and those weights score what the trainer recorded for that epoch.
        Assert.Equal(result.BestDevF1, Trainer.Evaluate(model, Tiny).Micro.F1, 12);
        // The average differs from that epoch's raw weights, or the test proves nothing.
        double[] raw = rawAtEpochEnd[result.BestEpoch];
        Assert.True(raw.Zip(actual, (a, b) => Math.Abs(a - b)).Max() > 1e-3, "the averaged weights equal the raw ones");
    }

    [Fact]
    public void Resume_with_averaging_reproduces_the_uninterrupted_run()
    {
        var inputs = TaggerInputs.Build(Tiny);
        ResumeCheck.AssertResumeReproducesTheUninterruptedRun(() => Small(inputs), dir => Options(dir, 6), Dir, Tiny);
    }

    [Fact]
    public void Resuming_with_other_averaging_than_the_run_started_with_is_refused_by_name()
    {
        var inputs = TaggerInputs.Build(Tiny);
        string dir = Path.Combine(Dir, "run");
        using (var model = Small(inputs)) new Trainer(Options(dir, 2, averaging: 0)).Fit(model, Tiny, Tiny);
        using var again = Small(inputs);
        var error = Assert.Throws<InvalidOperationException>(() => new Trainer(Options(dir, 4)).Fit(again, Tiny, Tiny, resume: true));
        Assert.Contains("without weight averaging", error.Message);
        Assert.Contains(Trainer.LastDir, error.Message);
    }

    [Fact]
    public void A_decay_outside_zero_to_one_is_refused()
    {
        var inputs = TaggerInputs.Build(Tiny);
        using var model = Small(inputs);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(Options(null, 1, averaging: 1.0)).Fit(model, Tiny, Tiny));
    }

    private static double[] Values(TorchBinding.torch.Tensor t) => t.detach().contiguous().to_type(TorchBinding.torch.ScalarType.Float64).data<double>().ToArray();
}
