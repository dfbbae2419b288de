using System.Globalization;
using ClinicalNer.Data;
using ClinicalNer.Evaluation;
using ClinicalNer.Models;
using ClinicalNer.Training;

namespace ClinicalNer.Runs;

/// <summary>One configuration of an experiment: its name (e.g. "lr=0.002,dropout=0.5") and its settings.</summary>
/// <param name="Name">Unique within the experiment; part of each run's name in the store.</param>
/// <param name="Settings">The values that make this configuration (by setting name).</param>
public sealed record Configuration(string Name, IReadOnlyDictionary<string, string> Settings)
{
    /// <summary>A configuration without settings (a single named model).</summary>
    public static Configuration Named(string name) => new(name, new Dictionary<string, string>());
}

/// <summary>What one configuration trains: a fresh model and the trainer options for a seed.</summary>
/// <param name="Model">The model to train (disposed by the experiment afterwards).</param>
/// <param name="Options">Trainer options; their seed is the run's.</param>
public sealed record RunSetup(INerModel Model, TrainerOptions Options);

/// <summary>
/// Runs configurations over seeds on the run store: each (configuration, seed) is one run named
/// <c>EXPERIMENT/CONFIGURATION/seed=S</c> with its parameters, curve and dev and test scores (best-dev weights); a run
/// already finished in the store is not run again, so an interrupted experiment restarted runs only what is missing.
/// </summary>
public sealed class Experiment
{
    private readonly RunStore store;

    /// <summary>An experiment named <paramref name="name"/> on data <paramref name="dataset"/>.</summary>
    /// <param name="store">The run store its runs are kept in.</param>
    /// <param name="name">The prefix of its runs' names (no '/').</param>
    /// <param name="dataset">What it trains on, in words (recorded).</param>
    /// <param name="trainsMissingRuns">Whether a run not yet in the store is trained (null: yes, unless
    /// <c>CNER_REPORT_ONLY=1</c>, which <c>lab report</c> sets: a report shows the runs its store holds and trains none).</param>
    public Experiment(RunStore store, string name, string dataset, bool? trainsMissingRuns = null)
    {
        this.store = store ?? throw new ArgumentNullException(nameof(store));
        TrainsMissingRuns = trainsMissingRuns ?? Environment.GetEnvironmentVariable(ReportOnlyVariable) != "1";
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Contains('/', StringComparison.Ordinal)) throw new ArgumentException($"experiment name '{name}' may not contain '/'", nameof(name));
        Name = name;
        Dataset = dataset ?? "";
    }

    /// <summary>The environment variable that makes every experiment of a process report-only.</summary>
    public const string ReportOnlyVariable = "CNER_REPORT_ONLY";

    /// <summary>
    /// The data-parallel ranks each run trains on (<see cref="LocalRanks"/>: this process and N-1 rank processes on this
    /// machine, the batch size being each rank's); one by default. A run's key counts its ranks.
    /// </summary>
    public LocalRanks Ranks { get; init; } = new(1);

    /// <summary>Whether <see cref="Run"/> trains a run the store does not hold; when false it stops, naming the run.</summary>
    public bool TrainsMissingRuns { get; }

    /// <summary>The experiment's name (the prefix of its runs' names).</summary>
    public string Name { get; }

    /// <summary>What the runs were trained on.</summary>
    public string Dataset { get; }

    /// <summary>
    /// Called before each run with (configuration, seed) and whether a finished run with the same key is reused instead of
    /// training.
    /// </summary>
    public event Action<Configuration, int, bool>? Starting;

    /// <summary>Every combination of the axes' values, in order (the first axis varies slowest).</summary>
    public static IReadOnlyList<Configuration> Grid(IReadOnlyList<(string Setting, IReadOnlyList<string> Values)> axes)
    {
        ArgumentNullException.ThrowIfNull(axes);
        IEnumerable<List<(string, string)>> combinations = [[]];
        foreach (var (setting, values) in axes)
        {
            if (values.Count == 0) throw new ArgumentException($"'{setting}' has no values", nameof(axes));
            combinations = combinations.SelectMany(c => values.Select(v => new List<(string, string)>(c) { (setting, v) })).ToList();
        }
        return combinations.Select(c => new Configuration(string.Join(',', c.Select(p => $"{p.Item1}={p.Item2}")),
            c.ToDictionary(p => p.Item1, p => p.Item2))).ToList();
    }

    /// <summary>The split name under which test scores by position only (type ignored) are recorded.</summary>
    public const string PositionSplit = "test-position";

    /// <summary>
    /// Scores a model on test data from one prediction, strictly and by position only (K-BERT's own score: boundaries
    /// right, type ignored), and records both under <paramref name="runId"/> ("test" and <see cref="PositionSplit"/>).
    /// </summary>
    public static NerReport ScoreTest(RunStore store, long runId, INerModel model, IReadOnlyList<Document> test)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(test);
        model.Network.eval();
        IReadOnlyList<IReadOnlyList<EntitySpan>> predicted;
        using (TorchBinding.torch.no_grad()) predicted = model.Predict(test);
        var gold = test.Select(d => d.Entities).ToList();
        var strict = NerMetrics.Strict(gold, predicted);
        store.AddScores(runId, "test", strict);
        store.AddScores(runId, PositionSplit, NerMetrics.PositionOnly(gold, predicted));
        return strict;
    }

    /// <summary>The run name of a configuration and seed.</summary>
    public string RunName(Configuration configuration, int seed)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return $"{Name}/{configuration.Name}/seed={seed.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>
    /// Trains every configuration with every seed: <paramref name="setup"/> builds the model and options, the trainer keeps
    /// the best-dev weights, and dev and test are scored with them; then returns the results of exactly these runs. A run
    /// whose key (<see cref="RunKey"/>: the model and its initial weights, the options, the data) matches a finished run
    /// of the same name is reused, not trained again (<see cref="Starting"/> says so); a changed option or a smoke run's
    /// leftovers start a new run. A run that was cut off resumes from OutputDir/last when its options name an output
    /// folder and that folder's last run had the same key (the run store then holds the epochs from the resumed one on
    /// under the new run); a folder left by another run is started over.
    /// </summary>
    public ExperimentResults Run(IReadOnlyList<Configuration> configurations, IReadOnlyList<int> seeds, Func<Configuration, int, RunSetup> setup,
        IReadOnlyList<Document> train, IReadOnlyList<Document> dev, IReadOnlyList<Document> test)
    {
        ArgumentNullException.ThrowIfNull(configurations);
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(setup);
        if (configurations.Select(c => c.Name).Distinct().Count() != configurations.Count) throw new ArgumentException("configuration names repeat", nameof(configurations));
        var ran = new List<(Configuration, int, long)>();
        var reused = new HashSet<long>();
        foreach (var configuration in configurations)
            foreach (int seed in seeds)
            {
                var (model, options) = setup(configuration, seed);
                using (model)
                {
                    options = options with { Seed = seed };
                    string name = RunName(configuration, seed);
                    string key = TrackedRun.KeyOf(model, options, train, dev, test, ranks: Ranks.Count);
                    var done = store.FinishedRun(name, key);
                    Starting?.Invoke(configuration, seed, done is not null);
                    if (done is not null)
                    {
                        ran.Add((configuration, seed, done.Id));
                        reused.Add(done.Id);
                        continue;
                    }
                    if (!TrainsMissingRuns)
                        throw new InvalidOperationException($"{name}: the run store {store.DatabasePath} holds no finished run with its key {key}, and this " +
                                                            "experiment trains none (a report shows what the store holds): run the notebook to train it");
                    // A run cut off before it finished (a session's end, a killed kernel) goes on from its last epoch's
                    // checkpoint when it has an output folder: a BERT span model's run can outlast a session.
                    var outcome = Ranks.Train(model, options, train, dev, () => TrackedRun.Run(store, name, Dataset, model, options, train, dev, test,
                        reuse: false, resume: ResumeMode.IfSameRun, progress: e => Progress?.Invoke(configuration, seed, e), key: key));
                    ran.Add((configuration, seed, outcome.RunId));
                }
            }
        return ExperimentResults.FromRuns(store, Name, ran, reused);
    }

    /// <summary>Every training event of every run, with its configuration and seed (live progress in notebooks and on the command line).</summary>
    public event Action<Configuration, int, TrainingEvent>? Progress;
}

/// <summary>One finished run of an experiment, as the store holds it.</summary>
/// <param name="Configuration">The configuration's name.</param>
/// <param name="Seed">The seed.</param>
/// <param name="RunId">The run's id in the store.</param>
/// <param name="Scores">Its final scores (split, type "micro" or an entity type).</param>
public sealed record ExperimentRun(string Configuration, int Seed, long RunId, IReadOnlyList<RunScore> Scores)
{
    /// <summary>F1 on a split for a type ("micro" by default), or null when not scored.</summary>
    public double? F1(string split, string type = "micro") => Scores.FirstOrDefault(s => s.Split == split && s.Type == type)?.F1;
}

/// <summary>One configuration's results over seeds (percent, 2 decimals).</summary>
/// <param name="Configuration">The configuration's name.</param>
/// <param name="Seeds">Finished runs.</param>
/// <param name="TestF1">Strict test micro-F1, mean.</param>
/// <param name="TestSd">Its sample sd.</param>
/// <param name="TestP">Test micro precision, mean.</param>
/// <param name="TestR">Test micro recall, mean.</param>
/// <param name="MacroF1">Test macro-F1, mean.</param>
/// <param name="MacroSd">Its sample sd.</param>
/// <param name="DevF1">Strict dev micro-F1 (best-dev weights), mean.</param>
/// <param name="DevSd">Its sample sd.</param>
/// <param name="PositionF1">Test F1 by position only (type ignored), mean.</param>
public sealed record ConfigurationSummary(string Configuration, int Seeds, double TestF1, double TestSd, double TestP, double TestR, double MacroF1, double MacroSd,
    double DevF1, double DevSd, double PositionF1);

/// <summary>One configuration's test scores for one entity type over seeds (percent, 2 decimals).</summary>
/// <param name="Configuration">The configuration's name.</param>
/// <param name="Type">The entity type.</param>
/// <param name="F1">Mean.</param>
/// <param name="Sd">Sample sd.</param>
/// <param name="P">Mean precision.</param>
/// <param name="R">Mean recall.</param>
public sealed record TypeSummary(string Configuration, string Type, double F1, double Sd, double P = double.NaN, double R = double.NaN);

/// <summary>
/// The finished runs of an experiment and their summaries: mean ± sample standard deviation over seeds per configuration
/// and per entity type (the display layer shows them as DataFrames and as a grouped bar chart with error bars).
/// </summary>
public sealed class ExperimentResults
{
    private ExperimentResults(string name, IReadOnlyList<ExperimentRun> runs, IReadOnlySet<long>? reused = null)
    {
        Name = name;
        Runs = runs;
        Reused = reused ?? new HashSet<long>();
    }

    /// <summary>The ids of the runs that were reused from the store rather than trained (by <see cref="Experiment.Run"/>).</summary>
    public IReadOnlySet<long> Reused { get; }

    /// <summary>The results of the runs <paramref name="runs"/> (configuration, seed, run id), in that order.</summary>
    public static ExperimentResults FromRuns(RunStore store, string name, IReadOnlyList<(Configuration Configuration, int Seed, long RunId)> runs, IReadOnlySet<long>? reused = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(runs);
        return new ExperimentResults(name, runs.Select(r => new ExperimentRun(r.Configuration.Name, r.Seed, r.RunId, store.Scores(r.RunId))).ToList(), reused);
    }

    /// <summary>The experiment's name.</summary>
    public string Name { get; }

    /// <summary>Its finished runs, by configuration in first-run order, then seed.</summary>
    public IReadOnlyList<ExperimentRun> Runs { get; }

    /// <summary>The configurations, in the order their first run was recorded.</summary>
    public IReadOnlyList<string> Configurations => Runs.Select(r => r.Configuration).Distinct().ToList();

    /// <summary>The finished runs of experiment <paramref name="name"/> in <paramref name="store"/> (the latest run of each configuration and seed).</summary>
    public static ExperimentResults FromStore(RunStore store, string name)
    {
        ArgumentNullException.ThrowIfNull(store);
        var runs = store.Runs(name + "/")
            .Where(r => r.IsFinished)
            .Select(r => (Info: r, Parts: r.Name.Split('/')))
            .Where(x => x.Parts.Length == 3 && x.Parts[0] == name && x.Parts[2].StartsWith("seed=", StringComparison.Ordinal))
            .GroupBy(x => (x.Parts[1], x.Parts[2])).Select(g => g.First())   // newest first: the latest of each
            .OrderBy(x => x.Info.Id)
            .Select(x => new ExperimentRun(x.Parts[1], int.Parse(x.Parts[2]["seed=".Length..], CultureInfo.InvariantCulture), x.Info.Id, store.Scores(x.Info.Id)))
            .ToList();
        var order = runs.Select(r => r.Configuration).Distinct().ToList();
        return new ExperimentResults(name, runs.OrderBy(r => order.IndexOf(r.Configuration)).ThenBy(r => r.Seed).ToList());
    }

    /// <summary>Mean and sample standard deviation (0 for one value).</summary>
    public static (double Mean, double Sd) MeanSd(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) return (double.NaN, double.NaN);
        double mean = values.Average();
        double sd = values.Count < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        return (mean, sd);
    }

    /// <summary>The same results restricted to <paramref name="configurations"/>, in that order.</summary>
    /// <exception cref="ArgumentException">A configuration without finished runs.</exception>
    public ExperimentResults Only(params string[] configurations)
    {
        ArgumentNullException.ThrowIfNull(configurations);
        foreach (string c in configurations)
            if (!Runs.Any(r => r.Configuration == c)) throw new ArgumentException($"'{c}' has no finished run in experiment '{Name}' (it has: {string.Join(", ", Configurations)})", nameof(configurations));
        return new ExperimentResults(Name, configurations.SelectMany(c => Runs.Where(r => r.Configuration == c)).ToList(), Reused);
    }

    /// <summary>
    /// One row per configuration: seeds, test micro-F1 mean and sd, test micro precision and recall (means), test macro-F1
    /// mean and sd, dev micro-F1 mean and sd, and the test F1 by position only (K-BERT's score, type ignored; mean), all in
    /// percent with 2 decimals (the display layer shows them as a DataFrame, <c>Summary()</c>).
    /// </summary>
    public IReadOnlyList<ConfigurationSummary> SummaryRows() => Configurations.Select(c =>
    {
        var runs = Runs.Where(r => r.Configuration == c).ToList();
        var test = MeanSd(runs.Select(r => r.F1("test") ?? double.NaN).Where(double.IsFinite).ToList());
        var macro = MeanSd(runs.Select(Macro).Where(double.IsFinite).ToList());
        var dev = MeanSd(runs.Select(r => r.F1("dev") ?? double.NaN).Where(double.IsFinite).ToList());
        var position = MeanSd(runs.Select(r => r.F1(Experiment.PositionSplit) ?? double.NaN).Where(double.IsFinite).ToList());
        var micro = runs.Select(r => r.Scores.FirstOrDefault(s => s.Split == "test" && s.Type == "micro")).OfType<RunScore>().ToList();
        double precision = micro.Count == 0 ? double.NaN : micro.Average(s => s.Precision), recall = micro.Count == 0 ? double.NaN : micro.Average(s => s.Recall);
        return new ConfigurationSummary(c, runs.Count, P(test.Mean), P(test.Sd), P(precision), P(recall), P(macro.Mean), P(macro.Sd), P(dev.Mean), P(dev.Sd), P(position.Mean));
    }).ToList();

    /// <summary>Test F1 per configuration and entity type: mean and sd over seeds, with the mean precision and recall (percent, 2 decimals).</summary>
    public IReadOnlyList<TypeSummary> PerTypeRows()
    {
        var types = EntityTypes;
        return Configurations.SelectMany(c => types.Select(t =>
        {
            var scores = Runs.Where(r => r.Configuration == c).Select(r => r.Scores.FirstOrDefault(s => s.Split == "test" && s.Type == t))
                .OfType<RunScore>().ToList();
            var (mean, sd) = MeanSd(scores.Select(s => s.F1).Where(double.IsFinite).ToList());
            double Mean(Func<RunScore, double> value) => scores.Count == 0 ? double.NaN : scores.Average(value);
            return new TypeSummary(c, t, P(mean), P(sd), P(Mean(s => s.Precision)), P(Mean(s => s.Recall)));
        })).ToList();
    }

    /// <summary>The entity types scored on test, sorted.</summary>
    public IReadOnlyList<string> EntityTypes => Runs.SelectMany(r => r.Scores).Where(s => s.Split == "test" && s.Type != "micro").Select(s => s.Type)
        .Distinct().Order(StringComparer.Ordinal).ToList();

    private static double Macro(ExperimentRun run)
    {
        var perType = run.Scores.Where(s => s.Split == "test" && s.Type != "micro").ToList();
        return perType.Count == 0 ? double.NaN : perType.Average(s => s.F1);
    }

    private static double P(double fraction) => double.IsFinite(fraction) ? Math.Round(fraction * 100, 2) : double.NaN;
}
