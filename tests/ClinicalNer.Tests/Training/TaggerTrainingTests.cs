using ClinicalNer.Training;

namespace ClinicalNer.Tests;

public class TaggerTrainingTests
{
    [Fact]
    public void A_tiny_tagger_learns_a_tiny_set()
    {
        var sentences = new List<Document>
        {
            Document.Create("1", "头痛三天", [new(0, 1, "BODY"), new(1, 2, "SIGNS")], "test"),
            Document.Create("2", "腹痛一周", [new(0, 1, "BODY"), new(1, 2, "SIGNS")], "test"),
            Document.Create("3", "咳嗽三天", [new(0, 2, "SIGNS")], "test"),
            Document.Create("4", "腹胀两天", [new(0, 2, "SIGNS")], "test"),
        };
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
