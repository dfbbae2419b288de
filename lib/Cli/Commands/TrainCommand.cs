using ClinicalNer.Display;
using System.CommandLine;
using ClinicalNer.Data;
using ClinicalNer.Data.Readers;
using ClinicalNer.Embeddings;
using ClinicalNer.Evaluation;
using ClinicalNer.Models.Bert;
using ClinicalNer.Models.LanguageModel;
using ClinicalNer.Models.Tagging;
using ClinicalNer.Runs;
using ClinicalNer.Text;
using ClinicalNer.Models;
using ClinicalNer.Training;
using Reporting;
using ClinicalNer.Models.Parts;
using ClinicalNer.Models.Specs;

namespace Cli.Commands;

/// <summary>
/// <c>lab train (--data DIR | --train F --dev F [--test F]) --out DIR [--model bilstm-crf] [options]</c>: trains a tagger,
/// keeps the best checkpoint, records the run, prints the per-type table. Defaults come from the library's records
/// (<see cref="TrainerOptions"/>, <see cref="SequenceTaggerConfig"/>, <see cref="BertTaggerConfig"/>).
/// </summary>
internal static partial class TrainCommand
{
    /// <summary>Pieces longer than this are cut at sentence ends (offsets kept).</summary>
    public const int DefaultMaxLength = 256;

    private static readonly TrainerOptions Trainer0 = new();
    private static readonly SequenceTaggerConfig Recurrent0 = ModelPresets.RecurrentDefaults;
    private static readonly BertTaggerConfig Bert0 = ModelPresets.BertDefaults;

    // Data
    private static readonly Option<string> Data = Options.ExistingPath("--data", "a folder of splits: train, dev (and test) files");
    private static readonly Option<string> Train = Options.ExistingPath("--train", "training file (with --dev, instead of --data)");
    private static readonly Option<string> Dev = Options.ExistingPath("--dev", "development file (early stopping on its strict F1)");
    private static readonly Option<string> Test = Options.ExistingPath("--test", "test file (scored with the best-dev weights)");
    private static readonly Option<int> MaxLength = Options.Int("--max-length", "longest piece in characters (documents are cut at sentence ends)", DefaultMaxLength, min: 2);
    private static readonly Option<string> Scheme = Options.Choice("--scheme", "tag scheme the model predicts", "bio", "bio", "bioes", "bmes");
    private static readonly CorpusOptions Corpus = new();
    // Output
    private static readonly Option<string> Out = Options.OutputFolder("--out", "output folder: best/ and last/ checkpoints, runs.db (required unless --print-spec)", required: false);
    private static readonly Option<string> Store = Options.Text("--store", "the SQLite run store (default: OUT/runs.db)");
    private static readonly Option<string> Name = Options.Text("--name", "the run's name in the store (default: the model)");
    private static readonly Option<bool> Resume = Options.Flag("--resume", "continue from OUT/last (weights, optimizer, schedule, random state)");
    private static readonly Option<bool> Reuse = Options.Flag("--reuse",
        "train nothing when the store holds a finished run of this name with the same key (model and initial weights, options, data)");
    // Model
    private static readonly Option<string> Model = PresetOption();
    private static readonly Option<string> Spec = Options.ExistingPath("--spec", "a model spec file (JSON; --print-spec shows one), instead of --model");
    private static readonly Option<string[]> Set = new("--set")
    {
        Description = "PATH=VALUE: set a field of the model spec, after the other options (repeatable; e.g. encoders.0.hidden=256, decoder={\"type\":\"softmax\"})",
    };
    private static readonly Option<bool> PrintSpec = Options.Flag("--print-spec", "print the model spec this command line makes, as JSON, and stop");
    private static readonly Option<double?> Dropout = Options.OptionalDouble("--dropout",
        $"dropout (default {Recurrent0.Dropout} for the BiLSTM/BiGRU family, {Bert0.Dropout} for BERT taggers)", 0, 0.95);
    private static readonly Option<int> Emb = Options.Int("--emb", "character embedding size", Recurrent0.CharEmbeddingDim);
    private static readonly Option<int> Hidden = Options.Int("--hidden", "recurrent hidden size per direction", Recurrent0.HiddenSize);
    private static readonly Option<int> Layers = Options.Int("--layers", "recurrent layers", Recurrent0.Layers);
    private static readonly Option<string> PretrainedChars = Options.ExistingPath("--pretrained-chars", "word2vec text vectors for the characters (--emb must match)");
    private static readonly Option<string[]> Lexicon = Options.ExistingPaths("--lexicon", "segmentation lexicon for word features (repeatable)");
    private static readonly Option<int> WordEmb = Options.Int("--word-emb", "word embedding size (with --lexicon)", Recurrent0.WordEmbeddingDim);
    private static readonly Option<int> BigramMinCount = Options.Int("--bigram-min-count", "character bigram features for bigrams seen this often (0: none)", 0, min: 0);
    private static readonly Option<int> BigramEmb = Options.Int("--bigram-emb", "bigram embedding size", Recurrent0.BigramEmbeddingDim);
    private static readonly Option<string> PretrainedBigrams = Options.ExistingPath("--pretrained-bigrams", "vectors from lab word2vec --bigrams (--bigram-emb must match)");
    private static readonly Option<string[]> Dictionary = TypedLexicons();
    private static readonly Option<int> DictEmb = Options.Int("--dict-emb", "dictionary feature embedding size", Recurrent0.DictionaryEmbeddingDim);
    private static readonly Option<string[]> SoftLexiconFiles = Options.ExistingPaths("--soft-lexicon",
        "SoftLexicon word sets (B/M/E/S of every matching word, weighted by frequency in the training text) from these lexicons (repeatable)");
    private static readonly Option<int> SoftLexiconEmb = Options.Int("--soft-lexicon-emb", "SoftLexicon word embedding size (4 sets per character)", Recurrent0.LexiconEmbeddingDim);
    private static readonly Option<string> PretrainedWords = Options.ExistingPath("--pretrained-words",
        "vectors from lab word2vec --words for the words of --soft-lexicon and --lexicon (their embedding sizes must match)");
    private static readonly Option<string> BiLm = Options.ExistingPath("--bilm", "BiLSTM-CRF family: fuse the states of a BiLM folder from lab lm (paper 4's BiLM features)");
    private static readonly Option<string> BertFeatures = Options.ExistingPath("--bert-features", "BiLSTM-CRF family: fuse a frozen BERT's character states (a pretraining checkpoint or Hugging Face folder)");
    private static readonly Option<string> Bert = Options.ExistingPath("--bert", "BERT models: a pretraining checkpoint or Hugging Face folder (config.json, vocab.txt, model.safetensors or pytorch_model.bin)");
    private static readonly Option<string> BertSize = Options.Choice("--bert-size", "BERT taggers without --bert: a randomly initialised encoder of this size", "small", "small", "tiny", "base");
    private static readonly Option<string> Vocab = Options.ExistingPath("--vocab", "BERT taggers: WordPiece vocab.txt (default: the one in --bert)");
    private static readonly Option<double> HeadLr = Options.Double("--head-lr", "BERT taggers: learning rate of the new head", Trainer0.HeadLearningRate ?? Trainer0.LearningRate, 0, minExclusive: true);
    private static readonly Option<int> LstmHidden = Options.Int("--lstm-hidden", "BERT-BiLSTM-CRF: LSTM hidden size", Bert0.LstmHidden);
    private static readonly KnowledgeInjectionOptions Knowledge0 = new();
    private static readonly Option<string> Kg = Options.ExistingPath("--kg", "K-BERT taggers: the knowledge graph (subject<TAB>relation<TAB>object lines, e.g. kbert/kgs/Medical.spo)");
    private static readonly Option<int> KgObjects = Options.Int("--kg-objects", "K-BERT: objects injected after each matched entity", Knowledge0.MaxObjects, min: 0);
    private static readonly Option<bool> KgNoMask = Options.Flag("--kg-no-mask", "K-BERT ablation -MASK: every token sees every token (no visible matrix)");
    private static readonly Option<bool> KgHardPositions = Options.Flag("--kg-hard-positions", "K-BERT ablation -POS: positions 0, 1, 2, ... over the injected sequence");
    private static readonly Option<bool> KgNoInjection = Options.Flag("--kg-no-injection", "K-BERT ablation -KG: inject nothing");
    // Training
    private static readonly Option<int> Epochs = Options.Int("--epochs", "epochs", Trainer0.Epochs);
    private static readonly Option<int> BatchSize = Options.Int("--batch-size", "pieces per batch", Trainer0.BatchSize);
    private static readonly Option<double> Lr = Options.Double("--lr", "learning rate", Trainer0.LearningRate, 0, minExclusive: true);
    private static readonly Option<string> Optimizer = Options.Choice("--optimizer", "optimizer", Trainer0.Optimizer.ToString().ToLowerInvariant(), "adamw", "adam", "sgd", "recadam");
    private static readonly RecAdamOptions Recall0 = new();
    private static readonly Option<double> RecallK = Options.Double("--recall-k", "RecAdam: steepness k of λ(t) = 1/(1+exp(-k(t-t0)))", Recall0.K, 0, minExclusive: true);
    private static readonly Option<double> RecallT0 = Options.Double("--recall-t0", "RecAdam: the step t0 where λ = 1/2", Recall0.T0, double.MinValue);
    private static readonly Option<double> RecallCoefficient = Options.Double("--recall-coefficient", "RecAdam: strength of the pull toward the pretrained weights", Recall0.Coefficient, 0);
    private static readonly Option<double> WeightDecay = Options.Double("--weight-decay", "weight decay (not on biases and LayerNorm)", Trainer0.WeightDecay, 0);
    private static readonly Option<double> Clip = Options.Double("--clip", "gradient norm clip (0: none)", Trainer0.ClipNorm, 0);
    private static readonly Option<int> Patience = Options.Int("--patience", "epochs without a better dev F1 before stopping (0: never)", Trainer0.Patience, min: 0);
    private static readonly Option<double> Warmup = Options.Double("--warmup", "share of steps with a linear warmup", Trainer0.WarmupFraction, 0, 0.99);
    private static readonly Option<bool> Decay = Options.Flag("--decay", "linear decay of the learning rate to 0");
    private static readonly Option<int> Seed = Options.Int("--seed", "random seed", Trainer0.Seed, min: 0);
    private static readonly Option<int> Nproc = Options.Int("--nproc", "data-parallel ranks on this machine (torch.distributed, gloo); --batch-size is each rank's", 1, min: 1);
    private static readonly Option<string> Device = Options.Device();
    private static readonly Option<bool> Bf16 = Options.Flag("--bf16", "mixed precision: the forward pass under bfloat16 autocast, weights and optimizer in float32 (CUDA, or a CPU with AVX512_BF16/AMX)");
    private static readonly Option<int> MaxSteps = Options.Int("--max-steps", "stop after this many optimizer steps (0: no limit; the schedule then ends there)", 0, min: 0);
    private static readonly Option<double> Average = Options.Double("--average",
        "decay of a moving average of the weights, which is evaluated and saved instead of the raw weights (e.g. 0.999; 0: off)", Trainer0.WeightAveraging, 0, 0.99999);
    private static readonly Option<double> Adversarial = Options.Double("--adversarial",
        "adversarial training: each step also descends the loss with the input embedding tables moved by this norm along their gradient (fast gradient method, e.g. 1; 0: off; a step costs twice)",
        Trainer0.Adversarial, 0);

    public static Command Build() =>
        Build("train", "train a tagger with early stopping on strict dev F1; best/ and last/ checkpoints, the run in the run store", Run);

    /// <summary>A command with every option of <c>lab train</c> (data, model, training) and <paramref name="extra"/> ones (lab bootstrap).</summary>
    internal static Command Build(string name, string description, Func<ParseResult, int> action, params Option[] extra)
    {
        var command = new Command(name, description);
        foreach (Option o in new Option[] { Data, Train, Dev, Test, MaxLength, Scheme, Out, Store, Name, Resume, Reuse, Model, Spec, Set, PrintSpec, Dropout, Emb, Hidden, Layers,
                     PretrainedChars, Lexicon, WordEmb, BigramMinCount, BigramEmb, PretrainedBigrams, Dictionary, DictEmb, SoftLexiconFiles, SoftLexiconEmb, PretrainedWords, BiLm, BertFeatures, Bert, BertSize, Vocab, HeadLr,
                     LstmHidden, Kg, KgObjects, KgNoMask, KgHardPositions, KgNoInjection, Epochs, BatchSize, Lr, Optimizer, WeightDecay, Clip, Patience, Warmup, Decay, Seed, Nproc, MaxSteps, Device, Bf16, Average, Adversarial, RecallK, RecallT0, RecallCoefficient }.Concat(extra))
            command.Options.Add(o);
        Corpus.AddTo(command);
        command.SetAction(action);
        return command;
    }

    /// <summary>The data-parallel ranks a parsed command line asks for (<c>--nproc</c>).</summary>
    internal static int NprocOf(ParseResult r) => r.GetValue(Nproc);

    /// <summary>The splits the options name (issues reported).</summary>
    internal static CorpusSplits Load(ParseResult r)
    {
        var splits = CorpusLoader.LoadSplits(DataPaths(r), r.GetValue(MaxLength), Corpus.Read(r));
        CorpusOptions.ReportIssues(splits.Corpora);
        return splits;
    }

    /// <summary>The trainer options the command line gives, writing checkpoints to <paramref name="outDir"/>.</summary>
    internal static TrainerOptions OptionsFor(ParseResult r, string outDir) => new(
        Epochs: r.GetValue(Epochs), BatchSize: r.GetValue(BatchSize), LearningRate: r.GetValue(Lr),
        Optimizer: Enum.Parse<OptimizerKind>(r.GetValue(Optimizer)!, ignoreCase: true), WeightDecay: r.GetValue(WeightDecay), ClipNorm: r.GetValue(Clip),
        Patience: r.GetValue(Patience), WarmupFraction: r.GetValue(Warmup), LinearDecay: r.GetValue(Decay), Seed: r.GetValue(Seed), OutputDir: outDir, HeadLearningRate: r.GetValue(HeadLr),
        WeightAveraging: r.GetValue(Average), Recall: new RecAdamOptions(r.GetValue(RecallK), r.GetValue(RecallT0), r.GetValue(RecallCoefficient)),
        MaxSteps: r.GetValue(MaxSteps) > 0 ? r.GetValue(MaxSteps) : null, Device: Options.DeviceOf(r, Device), Bf16: r.GetValue(Bf16), Adversarial: r.GetValue(Adversarial));

    /// <summary>
    /// The model spec the command line describes: <c>--spec FILE</c> or the <c>--model</c> preset, then the shorthand options
    /// given explicitly (<c>--hidden</c>, <c>--bert</c>, <c>--kg</c>, ...), then every <c>--set PATH=VALUE</c>.
    /// </summary>
    internal static ModelSpec SpecFor(ParseResult r)
    {
        bool explicitModel = Given(r, Model);
        if (explicitModel && r.GetValue(Spec) is not null) throw new ArgumentException("give --spec FILE or --model NAME, not both");
        var spec = r.GetValue(Spec) is { } file ? ModelSpec.Load(file) : ModelPresets.Get(r.GetValue(Model)!);
        spec = ApplyShorthands(r, spec);
        return JsonEdits.Apply(spec, r.GetValue(Set) ?? [], ClinicalNer.Models.Parts.PartRegistry.Json, ClinicalNer.Models.Parts.PartRegistry.Describe);
    }

    // Whether the user gave the option (a default does not override a spec file's value).
    internal static bool Given(ParseResult r, Option option) => r.GetResult(option) is { Implicit: false };

    /// <summary>A fresh model of the command line's spec, built by the library's one builder (it says what it loads).</summary>
    internal static INerModel ModelFor(ModelSpec spec, IReadOnlyList<Document> train, int seed) => ModelBuilder.Build(spec, train, seed, Console.Out);

    // --model: a preset by name, checked against the presets (listed by lab models; the help stays narrow).
    private static Option<string> PresetOption()
    {
        var option = Options.Text("--model", "a model preset (lab models lists them)", ModelPresets.Default);
        option.Validators.Add(r =>
        {
            string? name = r.GetValueOrDefault<string>();
            if (name is not null && !ModelPresets.Names.Contains(name, StringComparer.OrdinalIgnoreCase))
                r.AddError($"--model: unknown preset '{name}' (one of: {string.Join(", ", ModelPresets.Names)})");
        });
        return option;
    }

    /// <summary>The output folder and the run store path.</summary>
    internal static (string Out, string Store) OutputOf(ParseResult r)
    {
        string outDir = r.GetValue(Out) ?? throw new ArgumentException("--out DIR is required: the folder for checkpoints and runs.db");
        return (outDir, r.GetValue(Store) ?? Path.Combine(outDir, "runs.db"));
    }

    // --dictionary TYPE=FILE (repeatable), each checked for its form and its file.
    private static Option<string[]> TypedLexicons()
    {
        var option = new Option<string[]>("--dictionary") { Description = "TYPE=FILE: dictionary features B-/I-TYPE of the longest lexicon match (repeatable)" };
        option.Validators.Add(r =>
        {
            foreach (string spec in r.GetValueOrDefault<string[]>() ?? [])
            {
                int eq = spec.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0 || eq == spec.Length - 1) r.AddError($"--dictionary expects TYPE=FILE, got '{spec}'");
                else if (!File.Exists(spec[(eq + 1)..])) r.AddError($"--dictionary {spec}: no such file {spec[(eq + 1)..]}");
            }
        });
        return option;
    }

    private static int Run(ParseResult r)
    {
        if (r.GetValue(Nproc) > 1 && !DistributedLaunch.IsRank) return DistributedLaunch.Launch(r.GetValue(Nproc));
        Execute(r);
        return ExitCode.Ok;
    }

    /// <summary>Trains (or reuses) the run a parsed <c>lab train</c> command line describes, printing as it goes; returns the run's outcome.</summary>
    internal static RunOutcome Execute(ParseResult r)
    {
        var spec = SpecFor(r);
        if (r.GetValue(PrintSpec))
        {
            Console.WriteLine(spec.ToJson());
            return new RunOutcome(0, "", true, null, null);
        }
        var (outDir, storePath) = OutputOf(r);
        int? rank = DistributedLaunch.JoinIfRank();
        // A fault for the tests: this rank ends as if killed once the group has formed (the others must notice and stop).
        if (rank?.ToString(System.Globalization.CultureInfo.InvariantCulture) is { } me && Environment.GetEnvironmentVariable("LAB_DIST_TEST_EXIT_RANK") == me)
            Environment.Exit(137);
        var splits = Load(r);
        var options = OptionsFor(r, outDir);
        using INerModel model = ModelFor(spec, splits.Train, options.Seed);
        if (rank > 0) return RankBesideMain(rank.Value, r, spec, splits, options, model);
        Console.WriteLine($"{model.Kind}: {model.Network.parameters().Sum(p => p.numel()):N0} parameters; train {splits.Train.Count} / dev {splits.Dev.Count} pieces of ≤ {r.GetValue(MaxLength)} characters; data {splits.Dataset}");
        Directory.CreateDirectory(outDir);
        using var store = new RunStore(storePath);
        string name = r.GetValue(Name) ?? (Given(r, Model) || r.GetValue(Spec) is null ? r.GetValue(Model)! : spec.DisplayName);
        var outcome = TrackedRun.Run(store, name, splits.Dataset, model, options, splits.Train, splits.Dev, splits.Test, reuse: r.GetValue(Reuse),
            resume: r.GetValue(Resume) ? ResumeMode.Yes : ResumeMode.No, progress: new ConsoleProgress().Show);
        if (outcome.Reused)
        {
            Console.WriteLine($"{name}: run {outcome.RunId} in {store.DatabasePath} finished before with the same key {outcome.Key}; reused, nothing trained");
            return outcome;
        }
        var result = outcome.Training!;
        Console.WriteLine($"best dev F1 {result.BestDevF1 * 100:F2} at epoch {result.BestEpoch}{(result.StoppedEarly ? " (early stop)" : "")}; checkpoint {result.BestCheckpoint}");
        if (outcome.Test is { } report)
        {
            Console.WriteLine("test (strict):");
            Console.Write(report.ToTable().ToText());
        }
        Console.WriteLine($"run {outcome.RunId} (key {outcome.Key}) recorded in {store.DatabasePath}");
        return outcome;
    }

    // A rank other than 0 trains the run with rank 0 (the same key and decisions), which alone records it and prints.
    private static RunOutcome RankBesideMain(int rank, ParseResult r, ModelSpec spec, CorpusSplits splits, TrainerOptions options, INerModel model)
    {
        using var noStore = new RunStore(":memory:");
        string name = r.GetValue(Name) ?? (Given(r, Model) || r.GetValue(Spec) is null ? r.GetValue(Model)! : spec.DisplayName);
        var outcome = TrackedRun.Run(noStore, name, splits.Dataset, model, options, splits.Train, splits.Dev, splits.Test, reuse: r.GetValue(Reuse),
            resume: r.GetValue(Resume) ? ResumeMode.Yes : ResumeMode.No);
        Console.WriteLine(outcome.Reused ? $"rank {rank}: rank 0 reused run {outcome.RunId}" : $"rank {rank}: trained to epoch {outcome.Training!.History[^1].Epoch} with rank 0");
        return outcome;
    }

    // --data DIR, or --train and --dev (and --test) files.
    private static List<string> DataPaths(ParseResult r)
    {
        string? data = r.GetValue(Data), train = r.GetValue(Train), dev = r.GetValue(Dev), test = r.GetValue(Test);
        if (data is not null && (train ?? dev ?? test) is not null) throw new ArgumentException("give --data DIR, or --train/--dev/--test files, not both");
        if (data is not null) return [data];
        if (train is null || dev is null) throw new ArgumentException("give --data DIR, or --train FILE and --dev FILE");
        return test is null ? [train, dev] : [train, dev, test];
    }
}
