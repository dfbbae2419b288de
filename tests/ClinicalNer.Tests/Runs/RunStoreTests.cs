using ClinicalNer.Display;
using ClinicalNer.Evaluation;
using ClinicalNer.Models.Tagging;
using ClinicalNer.Runs;
using ClinicalNer.Training;

namespace ClinicalNer.Tests;

public class RunStoreTests : TempDirTest
{
    [Fact]
    public void A_tracked_run_records_parameters_curves_and_scores()
    {
        var docs = new List<Document>
        {
            Document.Create("1", "头痛三天", [new(0, 1, "BODY"), new(1, 2, "SIGNS")], "t"),
            Document.Create("2", "咳嗽两天", [new(0, 2, "SIGNS")], "t"),
        };
        var inputs = TaggerInputs.Build(docs);
        using var model = TaggerModel.Create(inputs, inputs.ModelConfig(c => c with { CharEmbeddingDim = 8, HiddenSize = 8 }));
        var options = new TrainerOptions(Epochs: 3, BatchSize: 2, Patience: 0);
        var trainer = new Trainer(options);
        string db = Path.Combine(Dir, "runs.db");
        long id;
        using (var store = new RunStore(db))
        {
            id = store.Track(trainer, model, "sweep-lr-0.001", "tiny", options);
            var result = trainer.Fit(model, docs, docs);
            store.AddScores(id, "test", Trainer.Evaluate(model, docs));
            store.AddMetric(id, 10, "mlm_accuracy", 0.25);
            store.FinishRun(id, "finished", "/somewhere/best");
            Assert.Equal(3, result.History.Count);
        }
        using var reopened = new RunStore(db);
        var run = reopened.Runs("sweep-").Single();
        Assert.Equal((id, "BiLSTM-CRF", "tiny", "finished", "/somewhere/best"), (run.Id, run.Model, run.Dataset, run.Status, run.Checkpoint));
        Assert.Contains("\"hiddenSize\": 8", run.ParametersJson);
        Assert.Contains("\"Epochs\":3", run.OptionsJson);
        Assert.False(string.IsNullOrEmpty(run.CodeVersion));
        var curve = reopened.Curve(id);
        Assert.Equal(new[] { 1, 2, 3 }, curve.Select(e => e.Epoch));
        Assert.Equal(curve.Max(e => e.DevF1), run.BestDevF1!.Value, 12);
        var scores = reopened.Scores(id);
        Assert.Contains(scores, s => s.Split == "test" && s.Type == "micro" && s.Support == 3);
        Assert.Equal(new[] { (10L, 0.25) }, reopened.Metric(id, "mlm_accuracy"));
        Assert.Empty(reopened.Runs("other-"));

        // The same records as DataFrames for notebooks.
        var runs = reopened.RunsTable("sweep-");
        Assert.Equal(1L, runs.Rows.Count);
        Assert.Equal(Math.Round(run.BestDevF1!.Value * 100, 2), (double)runs.Columns["BestDevF1"][0]!);
        Assert.Equal(curve.Select(e => e.TrainLoss), reopened.CurveTable(id).Columns["TrainLoss"].Cast<double?>().Select(v => v!.Value));
        var micro = reopened.ScoresTable(id).Rows.Single(r => (string)r["Type"]! == "micro");
        Assert.Equal(3L, micro["Support"]);
    }
}
