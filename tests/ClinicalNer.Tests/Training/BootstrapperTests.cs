using ClinicalNer.Models.Tagging;
using ClinicalNer.Runs;
using ClinicalNer.Training;
using ClinicalNer.Models.Specs;

namespace ClinicalNer.Tests;

/// <summary>Paper 4's bootstrapping on a tiny set with a planted pool: the threshold, the stop rule, the store, the restart.</summary>
public class BootstrapperTests : TempDirTest
{
    private static readonly List<Document> Labeled = TinyCorpus.Documents.Take(3).ToList();
    private static readonly List<Document> Dev = TinyCorpus.Documents;
    // The pool: labeled-like sentences held out with their gold (to measure the pseudo labels), and text unlike any of them.
    private static readonly List<Document> Pool =
    [
        Document.Create("p1", "头痛两天", [new(0, 1, "BODY"), new(1, 2, "SIGNS")], "pool"),
        Document.Create("p2", "腹痛三天", [new(0, 1, "BODY"), new(1, 2, "SIGNS")], "pool"),
        Document.Create("p3", "咳嗽一周", [new(0, 2, "SIGNS")], "pool"),
        Document.Create("p4", "查血常规示贫血", [new(1, 4, "CHECK"), new(5, 7, "DISEASE")], "pool"),
        Document.Create("p5", "今日天气晴朗微风", [], "pool"),
    ];

    private RunSetup Setup(int round)
    {
        var inputs = TaggerInputs.Build(TinyCorpus.Documents);
        var model = TaggerModel.Create(inputs, inputs.ModelConfig(c => c with { CharEmbeddingDim = 8, HiddenSize = 8, Dropout = 0 }), seed: 1);
        return new RunSetup(model, new TrainerOptions(Epochs: 25, BatchSize: 4, LearningRate: 0.02, Patience: 0, OutputDir: Path.Combine(Dir, $"round{round}")));
    }

    [Fact]
    public void Rounds_admit_what_passes_the_threshold_stop_when_dev_stops_rising_and_a_restart_skips_them()
    {
        using var store = new RunStore(Path.Combine(Dir, "runs.db"));
        var options = new BootstrapOptions(Threshold: 0.5, MaxRounds: 3);
        var bootstrap = new Bootstrapper(store, "boot", options);
        var rounds = bootstrap.Run(Setup, Labeled, Dev, Pool);

        Assert.Equal(0, rounds[0].Admitted);
        Assert.InRange(rounds.Count, 2, options.MaxRounds + 1);
        if (rounds.Count < options.MaxRounds + 1) Assert.True(rounds[^1].DevF1 <= rounds.SkipLast(1).Max(r => r.DevF1), "it stopped while dev F1 was still rising");
        for (int k = 1; k < rounds.Count - 1; k++) Assert.True(rounds[k].DevF1 > rounds.Take(k).Max(r => r.DevF1), $"round {k} did not improve yet the loop went on");

        // Round 1 admitted exactly what the round-0 model is at least 0.5 sure of, with the precision of those pseudo labels.
        using (var first = NerCheckpoint.Load(rounds[0].Checkpoint!))
        {
            var expected = Bootstrapper.Admission(first, Pool, [0.5])[0];
            Assert.Equal(expected.Admitted, rounds[1].Admitted);
            Assert.Equal(expected.Precision, rounds[1].PseudoPrecision);
            var sweep = Bootstrapper.Admission(first, Pool, [0.0, 0.5, 0.9, 1.0]);
            Assert.Equal(Pool.Count, sweep[0].Admitted);
            Assert.True(sweep.Zip(sweep.Skip(1)).All(p => p.First.Admitted >= p.Second.Admitted), "a higher threshold admitted more");
        }
        Assert.All(rounds, r => Assert.Equal(Pool.Count, r.Pool));
        Assert.Equal(rounds.Count, store.Runs("boot/").Count);

        // The bootstrap's model: the round best on dev, scored on test from its checkpoint.
        var (best, test) = Bootstrapper.ScoreBest(rounds, Dev);
        Assert.Equal(rounds.Max(r => r.DevF1), best.DevF1);
        Assert.Equal(best.DevF1, test.Micro.F1, 6);   // scored on the dev set here: the same number the round recorded

        // Restarted: every round is read back from the store (the models are built, for their keys), none is trained again
        // and the pool is not labelled again (the checkpoints a labelling would load are gone).
        foreach (var r in rounds.Skip(1)) Directory.Delete(Path.GetDirectoryName(r.Checkpoint!)!, recursive: true);
        var skipped = new List<(int, bool)>();
        var again = new Bootstrapper(store, "boot", options);
        again.Starting += (round, done) => skipped.Add((round, done));
        var reread = again.Run(Setup, Labeled, Dev, Pool);
        Assert.Equal(rounds.Select(r => (r.Round, r.Admitted, r.DevF1, r.PseudoPrecision)), reread.Select(r => (r.Round, r.Admitted, r.DevF1, r.PseudoPrecision)));
        Assert.All(skipped, s => Assert.True(s.Item2));
        Assert.Equal(rounds.Count, store.Runs("boot/").Count);

        // Another threshold: round 0 (labeled data only) is reused, round 1 labels the pool again and trains.
        skipped.Clear();
        var other = new Bootstrapper(store, "boot", options with { Threshold = 0.3, MaxRounds = 1 });
        other.Starting += (round, done) => skipped.Add((round, done));
        var otherRounds = other.Run(Setup, Labeled, Dev, Pool);
        Assert.Equal((0, true), skipped[0]);
        Assert.Equal(rounds[0].RunId, otherRounds[0].RunId);
        if (otherRounds.Count > 1) Assert.Equal((1, false), skipped[1]);
    }

    [Fact]
    public void When_nothing_passes_the_threshold_it_stops_after_the_first_model()
    {
        using var store = new RunStore(Path.Combine(Dir, "runs.db"));
        // Threshold 1: no sentence is labelled with certainty 1 by a model trained this briefly.
        var rounds = new Bootstrapper(store, "strict", new BootstrapOptions(Threshold: 1.0, MaxRounds: 3)).Run(Setup, Labeled, Dev, Pool);
        Assert.Single(rounds);
        Assert.Single(store.Runs("strict/"));
    }

    [Fact]
    public void Bad_options_are_refused()
    {
        using var store = new RunStore(Path.Combine(Dir, "runs.db"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Bootstrapper(store, "b", new BootstrapOptions(Threshold: 1.5)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Bootstrapper(store, "b", new BootstrapOptions(MaxRounds: -1)));
    }
}
