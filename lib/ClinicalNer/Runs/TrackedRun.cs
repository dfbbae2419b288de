using ClinicalNer.Data;
using ClinicalNer.Evaluation;
using ClinicalNer.Models;
using ClinicalNer.Training;

namespace ClinicalNer.Runs;

/// <summary>What became of one run: its id in the store, its key, and whether a finished run with that key was reused.</summary>
/// <param name="RunId">The run's id in the store (the reused run's id when <paramref name="Reused"/>).</param>
/// <param name="Key">What the run ran (<see cref="RunKey"/>).</param>
/// <param name="Reused">True when the store already held a finished run of this name and key, and nothing was trained.</param>
/// <param name="Training">The trainer's result (null when reused).</param>
/// <param name="Test">Strict test scores with the best-dev weights (null when reused or without test data).</param>
public sealed record RunOutcome(long RunId, string Key, bool Reused, TrainingResult? Training, NerReport? Test);

/// <summary>Whether a run goes on from the <c>last/</c> checkpoint in its output folder.</summary>
public enum ResumeMode
{
    /// <summary>Start over.</summary>
    No,
    /// <summary>Go on only when the folder's last run had the same key (an experiment restarted after a cut); else start over.</summary>
    IfSameRun,
    /// <summary>Go on whatever the folder's last run was (<c>lab train --resume</c>: the user asked, e.g. to extend the epochs).</summary>
    Yes,
}

/// <summary>
/// The one lifecycle of a training run on the run store, for <c>lab train</c>, experiments and bootstrapping alike: key
/// it, reuse a finished run with the same name and key when asked, else track, fit (keeping the best-dev weights), score
/// dev and test with those weights, and finish, or mark the run failed when anything throws.
/// </summary>
public static class TrackedRun
{
    /// <summary>The file in a run's output folder that holds the key of the run that writes its checkpoints.</summary>
    public const string KeyFile = "run.key";

    // The key of the run whose checkpoints the folder holds, or null (none, or written before runs had keys).
    private static string? KeyInFolder(string folder)
    {
        string path = Path.Combine(folder, KeyFile);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }

    /// <summary>
    /// The key of training <paramref name="model"/> with <paramref name="options"/> on these splits; <paramref name="extra"/>
    /// adds what else decides the run (e.g. the previous bootstrap round's key), and <paramref name="ranks"/> the
    /// data-parallel ranks it trains on (their global batch is theirs together; one rank adds nothing).
    /// </summary>
    public static string KeyOf(INerModel model, TrainerOptions options, IReadOnlyList<Document> train, IReadOnlyList<Document> dev,
        IReadOnlyList<Document>? test, string? extra = null, int ranks = 1)
    {
        string? ranked = ranks > 1 ? string.Join(", ", new[] { extra, $"ranks={ranks}" }.OfType<string>()) : extra;
        return RunKey.Of(model, options, RunKey.DataFingerprint(train, dev, test) + (ranked is null ? "" : " " + ranked));
    }

    /// <summary>Runs (or reuses) one training run.</summary>
    /// <param name="store">The run store.</param>
    /// <param name="name">The run's name.</param>
    /// <param name="dataset">What it trains on, in words (recorded).</param>
    /// <param name="model">The freshly built model (the caller disposes it).</param>
    /// <param name="options">Trainer options.</param>
    /// <param name="train">Training documents.</param>
    /// <param name="dev">Development documents (early stopping, scored with the best weights).</param>
    /// <param name="test">Test documents, or null.</param>
    /// <param name="reuse">Reuse a finished run with the same name and key instead of training.</param>
    /// <param name="resume">Whether to go on from <c>OutputDir/last</c> (<see cref="ResumeMode"/>).</param>
    /// <param name="progress">Receives the trainer's progress events.</param>
    /// <param name="key">The run's key when the caller computed it (<see cref="KeyOf"/>); null to compute it here.</param>
    /// <param name="finishing">Called with the run id after the scores are recorded, before the run is marked finished (extra metrics).</param>
    public static RunOutcome Run(RunStore store, string name, string dataset, INerModel model, TrainerOptions options,
        IReadOnlyList<Document> train, IReadOnlyList<Document> dev, IReadOnlyList<Document>? test, bool reuse, ResumeMode resume,
        Action<TrainingEvent>? progress = null, string? key = null, Action<long>? finishing = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(dev);
        // Data-parallel, the ranks train one run together: the key counts them (the global batch is theirs together),
        // rank 0 decides whether to reuse or resume and tells the others, and alone writes the store and the key file.
        var parallel = DataParallel.Current;
        key ??= KeyOf(model, options, train, dev, test, ranks: parallel?.WorldSize ?? 1);
        bool main = parallel?.IsMain ?? true;
        long? doneId = main && reuse ? store.FinishedRun(name, key)?.Id : null;
        bool goOn = main && resume switch
        {
            ResumeMode.Yes => true,
            ResumeMode.IfSameRun => options.OutputDir is not null && KeyInFolder(options.OutputDir) == key,
            _ => false,
        };
        if (parallel is not null)
        {
            var decided = parallel.FromMain([doneId ?? -1, goOn ? 1 : 0]);
            (doneId, goOn) = (decided[0] >= 0 ? (long)decided[0] : null, decided[1] > 0);
        }
        if (doneId is { } reusedId) return new RunOutcome(reusedId, key, true, null, null);
        if (!main)
        {
            var trained = new Trainer(options).Fit(model, train, dev, goOn);
            return new RunOutcome(0, key, false, trained, null);
        }
        if (options.OutputDir is not null)
        {
            Directory.CreateDirectory(options.OutputDir);
            File.WriteAllText(Path.Combine(options.OutputDir, KeyFile), key + "\n");
        }

        // A run whose process was killed outright never left "running"; the run that goes on from its last/ says so.
        if (goOn)
            foreach (var cutOff in store.Runs(name).Where(r => r.Name == name && r.Key == key && r.Status == "running"))
                store.FinishRun(cutOff.Id, "interrupted", null);
        var trainer = new Trainer(options);
        long id = store.Track(trainer, model, name, dataset, options, key);
        if (progress is not null) trainer.Progress += progress;
        try
        {
            var result = trainer.Fit(model, train, dev, goOn);
            store.AddScores(id, "dev", Trainer.Evaluate(model, dev));   // the model holds its best dev epoch's weights now
            var report = test is null ? null : Experiment.ScoreTest(store, id, model, test);
            finishing?.Invoke(id);
            store.FinishRun(id, result.StoppedEarly ? "early-stopped" : "finished", result.BestCheckpoint);
            return new RunOutcome(id, key, false, result, report);
        }
        catch
        {
            store.FinishRun(id, "failed", null);
            throw;
        }
    }
}
