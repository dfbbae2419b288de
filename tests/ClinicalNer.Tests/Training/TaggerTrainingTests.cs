using ClinicalNer.Training;
using ClinicalNer.Text;

namespace ClinicalNer.Tests;

public class TaggerTrainingTests
{
    [Fact]
    public void A_tiny_tagger_learns_a_tiny_set()
    {
        var sentences = new List<TaggedSentence>();
        string[][] texts = [["头", "痛", "三", "天"], ["腹", "痛", "一", "周"], ["咳", "嗽", "三", "天"], ["腹", "胀", "两", "天"]];
        foreach (var chars in texts)
        {
            var spans = chars[1] == "痛" ? new[] { new EntitySpan(0, 1, "BODY"), new EntitySpan(1, 2, "SIGNS") } : new[] { new EntitySpan(0, 2, "SIGNS") };
            sentences.Add(new TaggedSentence(chars, BioScheme.Tags(4, spans), "test"));
        }
        var training = new TaggerTraining(sentences);
        using var model = training.CreateModel();
        double lastLoss = double.MaxValue;
        training.Train(model, sentences, sentences, new TaggerTrainingOptions(Epochs: 60, BatchSize: 4, LearningRate: 0.02),
            new Reporter(r => lastLoss = r.MeanLoss));
        Assert.True(lastLoss < 0.05, $"final loss {lastLoss}");
        Assert.Equal(1.0, training.Evaluate(model, sentences).Micro.F1);
    }

    private sealed class Reporter(Action<EpochReport> action) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => action(value);
    }
}
