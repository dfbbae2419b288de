using System.Globalization;
using ClinicalNer.Data;
using ClinicalNer.Evaluation;
using ClinicalNer.Models;
using ClinicalNer.Training;
using static TorchBinding.torch;
using ClinicalNer.Models.Specs;

namespace ClinicalNer.Runs;

/// <summary>How bootstrapping goes (paper 4's self-training).</summary>
/// <param name="Threshold">A pseudo-labelled sentence is admitted when the model's confidence in its labels is at least this.</param>
/// <param name="MaxRounds">Rounds of labelling and retraining after the first model (round 0).</param>
/// <param name="Device">Where the labelling model runs over the pool (null = the CPU); the rounds train where their trainer options say.</param>
/// <remarks>
/// The confidence is the probability of the predicted tag sequence under the model (a CRF's path probability, a softmax
/// tagger's product of per-token maxima); the minimum marginal is not used.
/// </remarks>
public sealed record BootstrapOptions(double Threshold = 0.9, int MaxRounds = 3, TorchBinding.torch.Device? Device = null);

/// <summary>One round: how many unlabeled sentences passed the threshold, the new model's dev F1 and, where the pool has gold labels, the pseudo labels' precision.</summary>
/// <param name="Round">0 = the model trained on the labeled set alone.</param>
/// <param name="Admitted">Pseudo-labelled sentences trained on in this round.</param>
/// <param name="Pool">Unlabeled sentences considered.</param>
/// <param name="DevF1">Strict dev micro-F1 of this round's model (best-dev weights).</param>
/// <param name="PseudoPrecision">Strict precision of the admitted pseudo labels against the pool's gold (null when the pool has none).</param>
/// <param name="PseudoRecall">Their strict recall against the admitted sentences' gold (null when the pool has none).</param>
/// <param name="RunId">The round's run in the store.</param>
/// <param name="Checkpoint">Its best-dev checkpoint.</param>
public sealed record BootstrapRound(int Round, int Admitted, int Pool, double DevF1, double? PseudoPrecision, double? PseudoRecall, long RunId, string? Checkpoint);

/// <summary>What a threshold admits of a pool labelled by one model.</summary>
/// <param name="Threshold">The threshold.</param>
/// <param name="Admitted">Sentences whose confidence reaches it.</param>
/// <param name="Share">Their share of the pool.</param>
/// <param name="Precision">Strict precision of their pseudo labels against gold (null without gold).</param>
/// <param name="Recall">Strict recall against their gold (null without gold).</param>
public sealed record ThresholdAdmission(double Threshold, int Admitted, double Share, double? Precision, double? Recall);

/// <summary>
/// Paper 4's bootstrapping: train on the labeled set (round 0), label the unlabeled pool with the best model so far, admit
/// the sentences whose confidence passes the threshold, train a fresh model on the labeled set plus the admitted ones, and
/// repeat until the dev F1 stops rising, no sentence passes, or <see cref="BootstrapOptions.MaxRounds"/> is reached. Every round is a run in the
/// store (<c>NAME/round=R</c>) with its pool statistics as metrics; a restarted bootstrap reuses rounds finished with the
/// same key (model, options, data, pool, threshold and the round before) and labels with their checkpoints. A pool whose documents carry gold entities (labeled sentences held out as if unlabeled) gets
/// the precision of its pseudo labels measured; the entities are never trained on.
/// </summary>
public sealed class Bootstrapper
{
    private readonly RunStore store;
    private readonly BootstrapOptions options;

    /// <summary>A bootstrap named <paramref name="name"/> on the store.</summary>
    public Bootstrapper(RunStore store, string name, BootstrapOptions options)
    {
        this.store = store ?? throw new ArgumentNullException(nameof(store));
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (options.Threshold is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(options), options.Threshold, "the confidence threshold must lie in [0, 1]");
        if (options.MaxRounds < 0) throw new ArgumentOutOfRangeException(nameof(options), options.MaxRounds, "rounds must be 0 or more");
        Name = name;
    }

    /// <summary>The bootstrap's name (the prefix of its runs).</summary>
    public string Name { get; }

    /// <summary>The data-parallel ranks each round trains on (<see cref="LocalRanks"/>; one by default); a round's key counts them.</summary>
    public LocalRanks Ranks { get; init; } = new(1);

    /// <summary>Called before each round with its number and whether it finished before (and is skipped).</summary>
    public event Action<int, bool>? Starting;

    /// <summary>The run name of a round.</summary>
    public string RunName(int round) => $"{Name}/round={round.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Runs the rounds. <paramref name="setup"/> builds a fresh model and trainer options for a round (its output folder must
    /// differ per round); <paramref name="pool"/> is the unlabeled text (gold entities, if any, only measure precision).
    /// </summary>
    /// <returns>Every round run, in order; the last may be worse than the one before (that is when it stopped).</returns>
    public IReadOnlyList<BootstrapRound> Run(Func<int, RunSetup> setup, IReadOnlyList<Document> labeled, IReadOnlyList<Document> dev, IReadOnlyList<Document> pool, string dataset = "")
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(labeled);
        ArgumentNullException.ThrowIfNull(dev);
        ArgumentNullException.ThrowIfNull(pool);
        var rounds = new List<BootstrapRound>();
        string poolFingerprint = RunKey.DataFingerprint(pool);
        string? previousKey = null;
        for (int round = 0; round <= options.MaxRounds; round++)
        {
            var (model, trainerOptions) = setup(round);
            using (model)
            {
                // A round is what its model and options, the labeled and dev data and, after round 0, the pool, the
                // threshold and the round before it (which labelled the pool) make: a round finished before with that key
                // is read back from the store, and its pool is not labelled again. Round 0 depends on neither pool nor
                // threshold, so a sweep over thresholds trains it once.
                string decides = round == 0 ? "bootstrap round 0"
                    : string.Create(CultureInfo.InvariantCulture, $"bootstrap round {round}, threshold {options.Threshold:R}, pool {poolFingerprint}, after {previousKey}");
                string key = TrackedRun.KeyOf(model, trainerOptions, labeled, dev, null, decides, Ranks.Count);
                var result = Recorded(round, key);
                if (result is null)
                {
                    IReadOnlyList<Document> admitted = [];
                    ThresholdAdmission? quality = null;
                    if (round > 0)
                    {
                        // Label the pool with the best round so far.
                        var best = rounds.MaxBy(r => r.DevF1)!;
                        using var labeler = NerCheckpoint.Load(best.Checkpoint ?? throw new InvalidOperationException($"round {best.Round} kept no checkpoint; give its trainer options an output folder"), options.Device);
                        (admitted, quality) = Admit(labeler, pool, options.Threshold);
                        if (admitted.Count == 0) break;   // nothing passed the threshold: another round would retrain on the labeled set alone
                    }
                    Starting?.Invoke(round, false);
                    result = Train(round, model, trainerOptions, key, labeled, admitted, quality, dev, pool, dataset);
                }
                rounds.Add(result);
                previousKey = key;
            }
            if (round > 0 && rounds.Count == round + 1 && rounds[^1].DevF1 <= rounds.Take(rounds.Count - 1).Max(r => r.DevF1)) break;   // dev F1 stopped rising
        }
        return rounds;
    }

    // The round as the store holds it when it finished before with the same key (announced as skipped), else null.
    private BootstrapRound? Recorded(int round, string key)
    {
        var done = store.FinishedRun(RunName(round), key);
        if (done is null) return null;
        Starting?.Invoke(round, true);
        var scores = store.Scores(done.Id);
        double Metric(string name) => store.Metric(done.Id, name).Select(m => m.Value).DefaultIfEmpty(double.NaN).Last();
        double precision = Metric("pseudo_precision"), recall = Metric("pseudo_recall");
        return new BootstrapRound(round, (int)Metric("admitted"), (int)Metric("pool"), scores.Single(s => s.Split == "dev" && s.Type == "micro").F1,
            double.IsNaN(precision) ? null : precision, double.IsNaN(recall) ? null : recall, done.Id, done.Checkpoint);
    }

    private BootstrapRound Train(int round, INerModel model, TrainerOptions trainerOptions, string key, IReadOnlyList<Document> labeled, IReadOnlyList<Document> admitted,
        ThresholdAdmission? quality, IReadOnlyList<Document> dev, IReadOnlyList<Document> pool, string dataset)
    {
        // The admitted sentences carry the labeler's predictions as their entities (their gold, if any, only measured the
        // quality). A round cut off goes on from its last checkpoint (the same sentences are admitted again: the labelling
        // is deterministic).
        var train = labeled.Concat(admitted).ToList();
        var outcome = Ranks.Train(model, trainerOptions, train, dev, () => TrackedRun.Run(store, RunName(round), dataset, model, trainerOptions, train, dev, null,
            reuse: false, resume: ResumeMode.IfSameRun, key: key, finishing: id =>
            {
                store.AddMetric(id, round, "admitted", admitted.Count);
                store.AddMetric(id, round, "pool", pool.Count);
                if (quality is { Precision: { } p })
                {
                    store.AddMetric(id, round, "pseudo_precision", p);
                    store.AddMetric(id, round, "pseudo_recall", quality.Recall ?? double.NaN);
                }
            }));
        var result = outcome.Training!;
        return new BootstrapRound(round, admitted.Count, pool.Count, result.BestDevF1, quality?.Precision, quality?.Recall, outcome.RunId, result.BestCheckpoint);
    }

    private const string PseudoSource = "pseudo";

    // The pool's sentences the model is confident enough about, relabelled with its predictions.
    private static (IReadOnlyList<Document> Admitted, ThresholdAdmission Quality) Admit(INerModel model, IReadOnlyList<Document> pool, double threshold)
    {
        var predictions = Predict(model, pool);
        var quality = Admission(pool, predictions, [threshold])[0];
        var admitted = pool.Select((d, i) => (Doc: d, Prediction: predictions[i]))
            .Where(x => x.Prediction.Confidence >= threshold)
            .Select(x => x.Doc with { Entities = x.Prediction.Spans, Source = PseudoSource }).ToList();
        return (admitted, quality);
    }

    private static IReadOnlyList<(IReadOnlyList<EntitySpan> Spans, double Confidence)> Predict(INerModel model, IReadOnlyList<Document> pool)
    {
        model.Network.eval();
        using var _ = no_grad();
        return model.PredictWithConfidence(pool, 64);
    }

    /// <summary>
    /// A bootstrap's model as it is reported: the round best on dev (the first of equals), its checkpoint scored strictly
    /// on <paramref name="test"/> on <paramref name="device"/>.
    /// </summary>
    /// <exception cref="ArgumentException">When no round is given or the best one kept no checkpoint.</exception>
    public static (BootstrapRound Best, NerReport Test) ScoreBest(IReadOnlyList<BootstrapRound> rounds, IReadOnlyList<Document> test, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(rounds);
        ArgumentNullException.ThrowIfNull(test);
        var best = rounds.MaxBy(r => r.DevF1) ?? throw new ArgumentException("no bootstrap rounds to score");
        string checkpoint = best.Checkpoint ?? throw new ArgumentException($"bootstrap round {best.Round} (run {best.RunId}) kept no checkpoint to score");
        using var model = NerCheckpoint.Load(checkpoint, device);
        return (best, Trainer.Evaluate(model, test));
    }

    /// <summary>
    /// What each threshold admits of <paramref name="pool"/> labelled by <paramref name="model"/>: count, share and, where the
    /// pool has gold entities, the strict precision and recall of the admitted pseudo labels (paper 4's Figure 6 sweep).
    /// </summary>
    public static IReadOnlyList<ThresholdAdmission> Admission(INerModel model, IReadOnlyList<Document> pool, IReadOnlyList<double> thresholds)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(pool);
        return Admission(pool, Predict(model, pool), thresholds);
    }

    private static List<ThresholdAdmission> Admission(IReadOnlyList<Document> pool, IReadOnlyList<(IReadOnlyList<EntitySpan> Spans, double Confidence)> predictions,
        IReadOnlyList<double> thresholds)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        bool hasGold = pool.Any(d => d.Entities.Count > 0);
        return thresholds.Select(t =>
        {
            var chosen = Enumerable.Range(0, pool.Count).Where(i => predictions[i].Confidence >= t).ToList();
            NerReport? report = hasGold && chosen.Count > 0
                ? NerMetrics.Strict(chosen.Select(i => pool[i].Entities).ToList(), chosen.Select(i => predictions[i].Spans).ToList()) : null;
            return new ThresholdAdmission(t, chosen.Count, pool.Count == 0 ? 0 : chosen.Count / (double)pool.Count, report?.Micro.Precision, report?.Micro.Recall);
        }).ToList();
    }
}
