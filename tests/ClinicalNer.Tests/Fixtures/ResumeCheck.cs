using ClinicalNer.Training;
using ClinicalNer.Models.Tagging;

namespace ClinicalNer.Tests;

/// <summary>The exact-resume check the trainer's features share: a run killed after an epoch and resumed equals the run left alone.</summary>
internal static class ResumeCheck
{
    /// <summary>
    /// Trains a model from <paramref name="create"/> straight through in <c>dir/a</c>, and another killed right after epoch
    /// <paramref name="killAfter"/> (its checkpoint written) in <c>dir/b</c>, then resumed in a fresh model (everything must
    /// come from the checkpoint); the losses, dev scores and final weights must be equal.
    /// </summary>
    public static void AssertResumeReproducesTheUninterruptedRun(Func<TaggerModel> create, Func<string, TrainerOptions> options, string dir,
        IReadOnlyList<Document> data, int killAfter = 3)
    {
        using var straight = create();
        var full = new Trainer(options(Path.Combine(dir, "a"))).Fit(straight, data, data);

        using (var first = create())
        {
            var interrupted = new Trainer(options(Path.Combine(dir, "b")));
            interrupted.Progress += e => { if (e.IsEpochEnd && e.Epoch == killAfter) throw new OperationCanceledException("killed"); };
            Assert.Throws<OperationCanceledException>(() => interrupted.Fit(first, data, data));
        }
        using var resumed = create();
        var rest = new Trainer(options(Path.Combine(dir, "b"))).Fit(resumed, data, data, resume: true);

        Assert.Equal(full.History.Select(h => h.TrainLoss), rest.History.Select(h => h.TrainLoss));
        Assert.Equal(full.History.Select(h => h.DevF1), rest.History.Select(h => h.DevF1));
        var w1 = straight.Tagger.state_dict();
        var w2 = resumed.Tagger.state_dict();
        Assert.All(w1, kv => Assert.True(kv.Value.equal(w2[kv.Key]), kv.Key));
    }
}
