using ClinicalNer.Models.Tagging;
using ClinicalNer.Training;
using ClinicalNer.Models.Specs;

namespace ClinicalNer.Tests;

public class NerPredictorTests
{
    [Fact]
    public void Long_texts_are_windowed_and_offsets_point_into_the_original()
    {
        var train = new List<Document>();
        for (int k = 0; k < 6; k++)
        {
            train.Add(Document.Create($"a{k}", "患者头痛。", [new(2, 4, "SIGNS")], "t"));
            train.Add(Document.Create($"b{k}", "左肺感染。", [new(0, 2, "BODY"), new(2, 4, "DISEASE")], "t"));
        }
        var inputs = TaggerInputs.Build(train);
        var model = TaggerModel.Create(inputs, inputs.ModelConfig(c => c with { CharEmbeddingDim = 16, HiddenSize = 16, Dropout = 0 }));
        new Trainer(new TrainerOptions(Epochs: 60, BatchSize: 12, LearningRate: 0.02, Patience: 0)).Fit(model, train, train);
        using var predictor = new NerPredictor(model, maxLength: 6);

        string text = string.Concat(Enumerable.Repeat("患者头痛。左肺感染。", 30)); // 300 characters, pieces of ≤ 6
        var entities = predictor.Predict(text);
        Assert.Equal(90, entities.Count);
        Assert.All(entities, e => Assert.Equal(text.Substring(e.Start, e.End - e.Start), e.Text));
        Assert.Equal(30, entities.Count(e => e.Type == "SIGNS" && e.Text == "头痛"));
        Assert.Equal(new[] { (2, 4), (5, 7), (7, 9) }, entities.Take(3).Select(e => (e.Start, e.End)));
        Assert.All(entities, e => Assert.InRange(e.Confidence, 0.0, 1.0));
        var batch = predictor.Predict(["左肺感染。", "", "患者头痛。"]);
        Assert.Equal(new[] { 2, 0, 1 }, batch.Select(b => b.Count));
    }
}
