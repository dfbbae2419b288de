using ClinicalNer.Models.LanguageModel;
using static TorchBinding.torch;
using ClinicalNer.Training;

namespace ClinicalNer.Tests;

/// <summary>Paper 4's character language models: they learn, their features see only one side, they save, load and resume.</summary>
public class CharLanguageModelTests : TempDirTest
{
    // A tiny corpus with predictable continuations.
    private static readonly string[] Lines = Enumerable.Range(0, 60).Select(i => (i % 3) switch
    {
        0 => "患者头痛三天伴恶心",
        1 => "查血常规示贫血",
        _ => "腹胀两天伴咳嗽发热",
    }).ToArray();

    private static readonly CharLanguageModelConfig Sizes = new(0, EmbeddingDim: 16, HiddenSize: 24, Dropout: 0);
    private static readonly CharLanguageModelTraining Quick = new(Epochs: 8, BatchSize: 8, SequenceLength: 16, LearningRate: 1e-2, DevShare: 0.1, LogEvery: 5);

    [Fact]
    public void Training_lowers_the_loss_and_the_perplexity_in_both_directions()
    {
        // Reports at every step leave no step for the epoch's end report (its loss is NaN): the state file must still be written.
        var (bilm, logs) = new CharLanguageModelTrainer(Quick with { LogEvery = 1 }).Train(Lines, Sizes, Path.Combine(Dir, "lm"));
        using (bilm)
            foreach (string direction in new[] { "forward", "backward" })
            {
                var ends = logs.Where(l => l.Direction == direction && l.DevPerplexity is not null).ToList();
                Assert.Equal(Quick.Epochs, ends.Count);
                Assert.True(ends[^1].DevPerplexity < 0.5 * ends[0].DevPerplexity, $"{direction}: perplexity {ends[0].DevPerplexity} → {ends[^1].DevPerplexity}");
                Assert.True(ends[^1].DevPerplexity < 3, $"{direction}: final perplexity {ends[^1].DevPerplexity} on a corpus of three repeated lines");
            }
    }

    [Fact]
    public void The_forward_state_at_a_character_has_seen_only_what_came_before_it_and_the_backward_only_what_came_after()
    {
        var vocabulary = BidirectionalLanguageModel.VocabularyOf(Lines);
        manual_seed(2);
        using var bilm = new BidirectionalLanguageModel(vocabulary, new CharLanguageModel(Sizes with { VocabularySize = vocabulary.Count + 3 }),
            new CharLanguageModel(Sizes with { VocabularySize = vocabulary.Count + 3, Backward = true }));
        var original = Document.Create("a", "患者头痛三天", [], "t");
        var laterChanged = Document.Create("b", "患者头咳嗽热", [], "t");     // characters 3.. differ
        var earlierChanged = Document.Create("c", "查血常痛三天", [], "t");   // characters ..2 differ
        var features = bilm.Features([original, laterChanged, earlierChanged]);
        int h = Sizes.HiddenSize;
        Assert.Equal(new long[] { 3, 6, 2 * h }, features.shape);
        var forward = features.narrow(2, 0, h);
        var backward = features.narrow(2, h, h);
        // Forward: positions 0..2 are equal when only later characters changed; position 3 is not.
        Assert.True(forward[0].narrow(0, 0, 3).allclose(forward[1].narrow(0, 0, 3)));
        Assert.False(forward[0].narrow(0, 3, 1).allclose(forward[1].narrow(0, 3, 1)));
        // Backward: positions 3..5 are equal when only earlier characters changed; position 2 is not.
        Assert.True(backward[0].narrow(0, 3, 3).allclose(backward[2].narrow(0, 3, 3)));
        Assert.False(backward[0].narrow(0, 2, 1).allclose(backward[2].narrow(0, 2, 1)));
        // A shorter document in the batch gets zeros past its end and the same features as alone.
        var batch = bilm.Features([original, Document.Create("d", "患者", [], "t")]);
        Assert.Equal(0, batch[1].narrow(0, 2, 4).abs().sum().item<float>());
        Assert.True(batch[1].narrow(0, 0, 2).allclose(bilm.Features([Document.Create("d", "患者", [], "t")])[0], rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void A_saved_bilm_loads_with_the_same_features_and_an_interrupted_run_resumes_to_the_same_models()
    {
        string dir = Path.Combine(Dir, "bilm");
        var options = Quick with { Epochs = 3 };
        var (trained, logs) = new CharLanguageModelTrainer(options).Train(Lines, Sizes, dir);
        var docs = new[] { Document.Create("a", "患者头痛", [], "t") };
        using (trained)
        using (var loaded = BidirectionalLanguageModel.Load(dir))
            Assert.True(trained.Features(docs).allclose(loaded.Features(docs)));

        // The same run killed after the forward model's second epoch, then resumed.
        string again = Path.Combine(Dir, "again");
        var first = new CharLanguageModelTrainer(options);
        first.Logged += l => { if (l.Direction == "forward" && l.Epoch == 2 && l.DevPerplexity is not null) throw new OperationCanceledException("killed"); };
        Assert.Throws<OperationCanceledException>(() => first.Train(Lines, Sizes, again));
        var (resumed, resumedLogs) = new CharLanguageModelTrainer(options).Train(Lines, Sizes, again, resume: true);
        using (resumed)
        using (var straight = BidirectionalLanguageModel.Load(dir))
        {
            Assert.Equal(logs.Where(l => l.DevPerplexity is not null).Select(l => l.DevPerplexity), resumedLogs.Where(l => l.DevPerplexity is not null).Select(l => l.DevPerplexity));
            Assert.True(straight.Features(docs).allclose(resumed.Features(docs), rtol: 1e-5, atol: 1e-6));
        }
        File.Delete(Path.Combine(dir, "forward", BidirectionalLanguageModel.WeightsFile));
        Assert.Contains(BidirectionalLanguageModel.WeightsFile, Assert.Throws<FileNotFoundException>(() => BidirectionalLanguageModel.Load(dir)).Message);
    }
}
