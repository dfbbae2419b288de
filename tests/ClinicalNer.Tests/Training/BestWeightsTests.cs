using ClinicalNer.Models.Tagging;
using ClinicalNer.Training;
using ClinicalNer.Models.Specs;

namespace ClinicalNer.Tests;

/// <summary>Training ends holding the best dev epoch's weights, not the last epoch's.</summary>
public class BestWeightsTests : TempDirTest
{
    // Fit on two sentences and never stop early: with a learning rate this high the dev F1 on all five peaks at epoch 5
    // (0.471) and falls to 0.400 (seed 1; each test checks that it did, or it would prove nothing).
    private static (TaggerModel Model, TrainingResult Result) Overshoot(string? outputDir)
    {
        var train = TinyCorpus.Documents.Take(2).ToList();
        var dev = TinyCorpus.Documents.ToList();
        var inputs = TaggerInputs.Build(TinyCorpus.Documents);
        var model = TaggerModel.Create(inputs, inputs.ModelConfig(c => c with { CharEmbeddingDim = 8, HiddenSize = 8, Dropout = 0 }), seed: 1);
        var result = new Trainer(new TrainerOptions(Epochs: 30, BatchSize: 2, LearningRate: 0.1, Patience: 0, ClipNorm: 0, Seed: 1,
            OutputDir: outputDir)).Fit(model, train, dev);
        return (model, result);
    }

    [Fact]
    public void Without_an_output_folder_the_model_ends_with_its_best_epochs_weights()
    {
        var (model, result) = Overshoot(null);
        using (model)
        {
            Assert.True(result.History[^1].DevF1 < result.BestDevF1, $"the run never got worse after epoch {result.BestEpoch} (last dev F1 {result.History[^1].DevF1}): the test proves nothing");
            Assert.Equal(result.BestDevF1, Trainer.Evaluate(model, TinyCorpus.Documents).Micro.F1, 12);
            Assert.Equal(result.History.Max(h => h.DevF1), result.History.Single(h => h.Epoch == result.BestEpoch).DevF1);
        }
    }

    [Fact]
    public void With_an_output_folder_the_model_ends_with_the_best_checkpoints_weights()
    {
        var (model, result) = Overshoot(Path.Combine(Dir, "run"));
        using (model)
        {
            Assert.True(result.History[^1].DevF1 < result.BestDevF1);
            Assert.Equal(result.BestDevF1, Trainer.Evaluate(model, TinyCorpus.Documents).Micro.F1, 12);
            using var best = NerCheckpoint.Load(result.BestCheckpoint!);
            Assert.True(((TaggerModel)best).Tagger.CharEmbedding.weight.allclose(model.Tagger.CharEmbedding.weight));
        }
    }
}
