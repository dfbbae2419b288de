using ClinicalNer.Data;
using ClinicalNer.Models.Tagging;
using ClinicalNer.Runs;
using ClinicalNer.Training;
using TorchBinding;

namespace ClinicalNer.Tests;

/// <summary>What goes into a run's key, and what does not.</summary>
public class RunKeyTests : TempDirTest
{
    private static TaggerModel Tiny(int seed = 1)
    {
        var inputs = TaggerInputs.Build(TinyCorpus.Documents);
        return TaggerModel.Create(inputs, inputs.ModelConfig(m => m with { CharEmbeddingDim = 8, HiddenSize = 4 }), seed);
    }

    [Fact]
    public void The_data_fingerprint_follows_text_entities_and_splits_but_not_ids_or_sources()
    {
        var docs = TinyCorpus.Documents;
        string fingerprint = RunKey.DataFingerprint(docs, docs, null);
        Assert.Equal(fingerprint, RunKey.DataFingerprint(docs.Select(d => d with { Id = "copy-" + d.Id, Source = "elsewhere" }).ToList(), docs, null));
        var retyped = docs.Select((d, i) => i == 0 ? d with { Entities = d.Entities.Select(e => e with { Type = e.Type + "X" }).ToList() } : d).ToList();
        Assert.NotEqual(fingerprint, RunKey.DataFingerprint(retyped, docs, null));
        var shifted = docs.Select((d, i) => i == 0 ? d with { Entities = d.Entities.Select(e => e with { End = e.End - 1 }).ToList() } : d).ToList();
        Assert.NotEqual(fingerprint, RunKey.DataFingerprint(shifted, docs, null));
        Assert.NotEqual(fingerprint, RunKey.DataFingerprint(docs, docs, docs));                 // a test split is part of it
        Assert.NotEqual(fingerprint, RunKey.DataFingerprint(docs.Take(1).ToList(), docs.Skip(1).Concat(docs).ToList(), null));   // so is where a split ends
    }

    [Fact]
    public void The_key_follows_options_and_weights_but_not_the_output_folder_or_the_device()
    {
        using var model = Tiny();
        var options = new TrainerOptions(Epochs: 3, Seed: 1);
        string key = RunKey.Of(model, options, "data");
        Assert.Matches("^[0-9a-f]{16}$", key);
        Assert.Equal(key, RunKey.Of(model, options with { OutputDir = "/elsewhere", Device = torch.CPU }, "data"));
        Assert.NotEqual(key, RunKey.Of(model, options with { Epochs = 4 }, "data"));
        Assert.NotEqual(key, RunKey.Of(model, options with { LearningRate = 2e-3 }, "data"));
        Assert.NotEqual(key, RunKey.Of(model, options with { Seed = 2 }, "data"));
        Assert.NotEqual(key, RunKey.Of(model, options, "other data"));

        // Same config, other initial weights (another seed, or pretrained vectors copied in): another key.
        using var other = Tiny(seed: 2);
        Assert.Equal(model.ConfigJson, other.ConfigJson);
        Assert.NotEqual(key, RunKey.Of(other, options, "data"));
        string weights = RunKey.WeightsFingerprint(model.Network);
        using (torch.no_grad()) model.Tagger.CharEmbedding.weight[2, 0].add_(1e-3f);
        Assert.NotEqual(weights, RunKey.WeightsFingerprint(model.Network));
    }

    [Fact]
    public void A_store_written_before_keys_opens_and_its_runs_are_never_reused()
    {
        string path = Path.Combine(Dir, "old.db");
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = """
                CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, model TEXT NOT NULL, dataset TEXT NOT NULL,
                  parameters TEXT NOT NULL, options TEXT NOT NULL, started TEXT NOT NULL, finished TEXT, status TEXT NOT NULL,
                  checkpoint TEXT, code_version TEXT NOT NULL, best_dev_f1 REAL);
                INSERT INTO runs (name, model, dataset, parameters, options, started, status, code_version)
                  VALUES ('tiny/a/seed=1', 'BiLSTM-CRF', '', '{}', '{}', '2026-11-01T00:00:00Z', 'finished', 'abc');
                """;
            cmd.ExecuteNonQuery();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        using var store = new RunStore(path);
        var run = Assert.Single(store.Runs());
        Assert.Null(run.Key);
        Assert.True(run.IsFinished);
        Assert.Null(store.FinishedRun("tiny/a/seed=1", "0123456789abcdef"));
        // Names with LIKE's wildcards are matched as written.
        Assert.Empty(store.Runs("tiny_"));
        Assert.Single(store.Runs("tiny/"));
    }
}
