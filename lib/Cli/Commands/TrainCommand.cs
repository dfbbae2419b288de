using System.Globalization;
using ClinicalNer.Data;
using ClinicalNer.Evaluation;
using ClinicalNer.Models.Bert;
using ClinicalNer.Models.Tagging;
using ClinicalNer.Runs;
using ClinicalNer.Text;
using ClinicalNer.Training;

namespace Cli.Commands;

/// <summary>
/// <c>lab train --data DIR | --train F --dev F [--test F]  --out DIR  [--model bilstm-crf] [hyper-parameters]</c>:
/// trains a sequence tagger, keeps the best checkpoint, records the run, prints the per-type table.
/// </summary>
internal static class TrainCommand
{
    public const string Usage = """
        usage: lab train (--data DIR | --train FILE --dev FILE [--test FILE]) --out DIR
                 [--model bilstm-crf|bilstm-softmax|bigru-crf|bigru-attention-crf|embedding-crf]
                 [--epochs 30] [--batch-size 32] [--lr 0.001] [--optimizer adamw|adam|sgd] [--weight-decay 0.01]
                 [--emb 100] [--hidden 128] [--layers 1] [--dropout 0.5] [--scheme bio|bioes|bmes] [--max-length 256]
                 [--patience 5] [--seed 1] [--clip 5] [--warmup 0.0] [--decay] [--store runs.db] [--name NAME] [--resume]
                 [--pretrained-chars vec.txt] (word2vec text vectors; --emb must match their dimension)
                 [--lexicon FILE ...] [--word-emb 50]   (word features from the entity-aware segmentation over these lexicons)
                 [--bigram-min-count N] [--bigram-emb 50] (character bigram embeddings for bigrams seen N+ times)
                 [--pretrained-bigrams vec.txt] (from lab word2vec --bigrams; --bigram-emb must match their dimension)
                 [--dictionary TYPE=FILE ...] [--dict-emb 50] (dictionary features: B-/I-TYPE of the longest lexicon match)
               BERT taggers: --model bert-softmax|bert-crf|bert-bilstm-crf with
                 --bert DIR (a pretraining checkpoint or Hugging Face folder: config.json, vocab.txt, model.safetensors)
                 or --bert-size small|tiny|base --vocab vocab.txt (random initialisation); [--head-lr 0.001] [--lstm-hidden 128]
        """;

    public static int Run(string[] args)
    {
        string outDir = CliOptions.Get(args, "--out") ?? throw new ArgumentException("--out DIR is required\n" + Usage);
        int maxLength = Int(args, "--max-length", 256);
        var (train, dev, test, dataset) = CorpusArguments.Splits(args, maxLength);
        var scheme = Enum.Parse<TagScheme>(CliOptions.Get(args, "--scheme") ?? "bio", ignoreCase: true);
        string modelName = CliOptions.Get(args, "--model") ?? "bilstm-crf";
        var options = new TrainerOptions(
            Epochs: Int(args, "--epochs", 30), BatchSize: Int(args, "--batch-size", 32), LearningRate: Dbl(args, "--lr", 1e-3),
            Optimizer: Enum.Parse<OptimizerKind>(CliOptions.Get(args, "--optimizer") ?? "adamw", ignoreCase: true),
            WeightDecay: Dbl(args, "--weight-decay", 0.01), ClipNorm: Dbl(args, "--clip", 5.0), Patience: Int(args, "--patience", 5),
            WarmupFraction: Dbl(args, "--warmup", 0.0), LinearDecay: CliOptions.Has(args, "--decay"),
            Seed: Int(args, "--seed", 1), OutputDir: outDir);
        using INerModel model = modelName.StartsWith("bert-", StringComparison.OrdinalIgnoreCase)
            ? BertModelFor(train, modelName, scheme, args, options.Seed)
            : RecurrentModelFor(train, modelName, scheme, args, options.Seed);
        Console.WriteLine($"{model.Kind}: {model.Network.parameters().Sum(p => p.numel()):N0} parameters; train {train.Count} / dev {dev.Count} pieces of ≤ {maxLength} characters; data {dataset}");
        var trainer = new Trainer(options);
        using var store = new RunStore(CliOptions.Get(args, "--store") ?? Path.Combine(outDir, "runs.db"));
        long runId = store.Track(trainer, model, CliOptions.Get(args, "--name") ?? modelName, dataset, options);
        var bar = new ConsoleProgress();
        trainer.Progress += bar.Show;
        TrainingResult result;
        try
        {
            result = trainer.Fit(model, train, dev, resume: CliOptions.Has(args, "--resume"));
        }
        catch
        {
            store.FinishRun(runId, "failed", null);
            throw;
        }
        Console.WriteLine($"best dev F1 {result.BestDevF1 * 100:F2} at epoch {result.BestEpoch}{(result.StoppedEarly ? " (early stop)" : "")}; checkpoint {result.BestCheckpoint}");
        using var best = NerCheckpoint.Load(result.BestCheckpoint!);
        store.AddScores(runId, "dev", Trainer.Evaluate(best, dev));
        if (test is not null)
        {
            var report = Trainer.Evaluate(best, test);
            store.AddScores(runId, "test", report);
            Console.WriteLine("test (strict):");
            Console.Write(report.ToTable().ToText());
        }
        store.FinishRun(runId, result.StoppedEarly ? "early-stopped" : "finished", result.BestCheckpoint);
        Console.WriteLine($"run {runId} recorded in {store.DatabasePath}");
        return 0;
    }

    // The BiLSTM-CRF family: character inputs (plus word, bigram features), optional word2vec character vectors.
    private static TaggerModel RecurrentModelFor(IReadOnlyList<Document> train, string modelName, TagScheme scheme, string[] args, int seed)
    {
        var lexiconFiles = args.Select((a, i) => (a, i)).Where(x => x.a == "--lexicon" && x.i + 1 < args.Length).Select(x => args[x.i + 1]).ToList();
        var lexicon = lexiconFiles.Count == 0 ? null
            : lexiconFiles.SelectMany(f => ClinicalNer.Data.Readers.LexiconReader.ReadLexicon(f).Keys).ToHashSet(StringComparer.Ordinal);
        var dictionaries = DictionaryLexicons(args);
        var inputs = TaggerInputs.Build(train, scheme, segmentationLexicon: lexicon, dictionaryLexicons: dictionaries,
            minBigramCount: Int(args, "--bigram-min-count", 0));
        if (dictionaries is not null)
            Console.WriteLine($"dictionary features: {string.Join(", ", dictionaries.Select(kv => $"{kv.Key} {kv.Value.Count():N0} terms"))}");
        if (lexicon is not null) Console.WriteLine($"segmentation lexicon: {lexicon.Count:N0} terms from {lexiconFiles.Count} file(s) plus the training entities; {inputs.WordCount:N0} words");
        var config = ModelConfig(inputs, modelName, args);
        var model = TaggerModel.Create(inputs, config, seed);
        if (CliOptions.Get(args, "--pretrained-chars") is { } charVectors)
            LoadVectors(charVectors, model.Tagger.CharEmbedding, inputs.Characters, "--emb", "character");
        if (CliOptions.Get(args, "--pretrained-bigrams") is { } bigramVectors)
            LoadVectors(bigramVectors, model.Tagger.BigramEmbedding ?? throw new ArgumentException("--pretrained-bigrams needs bigram features: add --bigram-min-count N"),
                inputs.Bigrams!, "--bigram-emb", "bigram");
        return model;
    }

    // --dictionary TYPE=FILE (repeatable): typed lexicons for dictionary features (B-/I-TYPE of the longest match), or null.
    private static Dictionary<string, IEnumerable<string>>? DictionaryLexicons(string[] args)
    {
        var byType = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (string spec in args.Select((a, i) => (a, i)).Where(x => x.a == "--dictionary" && x.i + 1 < args.Length).Select(x => args[x.i + 1]))
        {
            int eq = spec.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == spec.Length - 1) throw new ArgumentException($"--dictionary expects TYPE=FILE, got '{spec}'");
            string type = spec[..eq];
            if (!byType.TryGetValue(type, out var terms)) byType[type] = terms = [];
            terms.AddRange(ClinicalNer.Data.Readers.LexiconReader.ReadLexicon(spec[(eq + 1)..]).Keys);
        }
        return byType.Count == 0 ? null : byType.ToDictionary(kv => kv.Key, kv => (IEnumerable<string>)kv.Value, StringComparer.Ordinal);
    }

    // Copies word2vec vectors into an embedding table, row by vocabulary entry.
    private static void LoadVectors(string path, TorchBinding.Modules.Embedding table, ClinicalNer.Data.Vocabulary vocabulary, string dimensionOption, string what)
    {
        var w2v = ClinicalNer.Embeddings.Word2Vec.Load(path);
        long dimension = table.weight.shape[1];
        if (w2v.Dimension != dimension) throw new ArgumentException($"{path} has {w2v.Dimension}-d vectors but {dimensionOption} is {dimension}");
        var (matrix, found) = w2v.MatrixFor(vocabulary);
        using (TorchBinding.torch.no_grad()) table.weight.copy_(matrix);
        Console.WriteLine($"pretrained {what} vectors: {found:N0} of {vocabulary.Count:N0} {what}s found in {path}");
    }

    // BERT taggers: the encoder from a checkpoint folder (--bert) or random (--bert-size + --vocab).
    private static BertTaggerModel BertModelFor(IReadOnlyList<Document> train, string modelName, TagScheme scheme, string[] args, int seed)
    {
        var head = modelName.ToLowerInvariant() switch
        {
            "bert-softmax" => BertHead.Softmax,
            "bert-crf" => BertHead.Crf,
            "bert-bilstm-crf" => BertHead.BiLstmCrf,
            _ => throw new ArgumentException($"unknown model '{modelName}'\n" + Usage),
        };
        string? folder = CliOptions.Get(args, "--bert");
        BertConfig bert;
        WordPieceTokenizer tokenizer;
        string? weights = null;
        if (folder is not null)
        {
            bert = BertConfig.Load(Path.Combine(folder, BertCheckpoint.ConfigFile));
            tokenizer = WordPieceTokenizer.FromFile(CliOptions.Get(args, "--vocab") ?? Path.Combine(folder, BertCheckpoint.VocabFile));
            weights = folder;
        }
        else
        {
            string vocab = CliOptions.Get(args, "--vocab") ?? throw new ArgumentException("a BERT tagger needs --bert DIR, or --bert-size SIZE with --vocab vocab.txt");
            tokenizer = WordPieceTokenizer.FromFile(vocab);
            bert = BertConfig.Preset(CliOptions.Get(args, "--bert-size") ?? "small");
        }
        var model = BertTaggerModel.Create(train, tokenizer, bert, weights, head, scheme,
            c => c with { HeadLearningRate = Dbl(args, "--head-lr", 1e-3), LstmHidden = Int(args, "--lstm-hidden", 128), Dropout = Dbl(args, "--dropout", 0.1) }, seed);
        Console.WriteLine(weights is null ? "BERT encoder: random initialisation" : $"BERT encoder: weights from {weights}");
        return model;
    }

    private static SequenceTaggerConfig ModelConfig(TaggerInputs inputs, string name, string[] args)
    {
        var (encoder, decoder, heads) = name.ToLowerInvariant() switch
        {
            "bilstm-crf" => (EncoderKind.BiLstm, DecoderKind.Crf, 0),
            "bilstm-softmax" or "bilstm" => (EncoderKind.BiLstm, DecoderKind.Softmax, 0),
            "bigru-crf" => (EncoderKind.BiGru, DecoderKind.Crf, 0),
            "bigru-attention-crf" => (EncoderKind.BiGru, DecoderKind.Crf, 4),
            "embedding-crf" => (EncoderKind.None, DecoderKind.Crf, 0),
            _ => throw new ArgumentException($"unknown model '{name}'\n" + Usage),
        };
        return inputs.ModelConfig(c => c with
        {
            Encoder = encoder, Decoder = decoder, AttentionHeads = heads,
            CharEmbeddingDim = Int(args, "--emb", 100), HiddenSize = Int(args, "--hidden", 128), Layers = Int(args, "--layers", 1),
            Dropout = Dbl(args, "--dropout", 0.5), WordEmbeddingDim = Int(args, "--word-emb", 50), BigramEmbeddingDim = Int(args, "--bigram-emb", 50),
            DictionaryEmbeddingDim = Int(args, "--dict-emb", 50),
        });
    }

    internal static int Int(string[] args, string name, int fallback) =>
        CliOptions.Get(args, name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    internal static double Dbl(string[] args, string name, double fallback) =>
        CliOptions.Get(args, name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
