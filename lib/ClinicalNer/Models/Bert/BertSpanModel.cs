using System.Text.Json;
using ClinicalNer.Data;
using ClinicalNer.Models.Parts;
using ClinicalNer.Text;
using TorchBinding;
using TorchBinding.Modules;
using static TorchBinding.torch;

namespace ClinicalNer.Models.Bert;

/// <summary>Everything that rebuilds a BERT span model (saved as JSON beside its weights).</summary>
/// <param name="Bert">Encoder sizes.</param>
/// <param name="Types">Entity types.</param>
/// <param name="Queries">
/// Machine reading comprehension: one natural-language query per type, read as [CLS] query [SEP] context [SEP] (one pass
/// per type) and the spans of that type scored; null = no queries, one pass scoring every type (paper 5's "−MRC").
/// </param>
/// <param name="Hidden">Size of the biaffine scorer's start and end representations.</param>
/// <param name="Dropout">Dropout on the encoder's output.</param>
/// <param name="Nested">Keep nested spans when decoding (the training data nests).</param>
/// <param name="PointerHeads">Score spans with the MRC pointer heads (start, end, match) instead of the biaffine form (paper 5's "−biaffine").</param>
/// <param name="ScorerPart">The span scorer as a part (any registered in <see cref="PartRegistry"/>); null: <paramref name="PointerHeads"/> and
/// <paramref name="Hidden"/> stand for it, as in checkpoints written before parts.</param>
/// <param name="SeparateQuery">With queries: encode the question and the sentence apart and let each sentence state attend
/// to the question's (paper 5's eqs. 2-3, <see cref="QueryContextAttention"/>); false: read them as one sequence,
/// [CLS] query [SEP] context [SEP] (Li et al.'s joint encoding, and every checkpoint written before this option).</param>
public sealed record BertSpanConfig(BertConfig Bert, IReadOnlyList<string> Types, IReadOnlyDictionary<string, string>? Queries = null, int Hidden = 150,
    double Dropout = 0.1, bool Nested = false, bool PointerHeads = false, SpanScorerSpec? ScorerPart = null, bool SeparateQuery = false)
{
    // The registry's options (parts by their "type"), lenient about fields older checkpoints had.
    private static JsonSerializerOptions Json => new(PartRegistry.Json) { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip };

    /// <summary>The span scorer: <see cref="ScorerPart"/>, or the part the shorthand fields stand for.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public SpanScorerSpec Scorer => ScorerPart ?? (PointerHeads ? new PointerSpec() : new BiaffineSpec(Hidden));

    /// <summary>Serialises the config.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a config written by <see cref="ToJson"/>.</summary>
    /// <exception cref="InvalidDataException">Malformed, naming the file.</exception>
    public static BertSpanConfig FromJson(string json, string source)
    {
        try
        {
            var config = JsonSerializer.Deserialize<BertSpanConfig>(json, Json) ?? throw new InvalidDataException($"{source}: empty config");
            config.Bert.Validate();
            if (config.Types is null || config.Types.Count == 0) throw new InvalidDataException($"{source}: no entity types");
            return config;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: {PartRegistry.Describe(e)}", e);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
    }
}

/// <summary>
/// What a span network reads in one batch of passes. Joint encoding: one row per pass, [CLS] (query [SEP]) context [SEP],
/// and the query fields null. Separate encoding: one row per distinct context, [CLS] context [SEP]; one row per type's
/// question, [CLS] query [SEP]; and for each pass the row of its context and of its question.
/// </summary>
/// <param name="Ids">(rows, L) word piece ids.</param>
/// <param name="Mask">(rows, L) true at real tokens.</param>
/// <param name="Types">(rows, L) segment ids (1 on the context after a jointly read query).</param>
/// <param name="ContextStart">Where the context starts in a row (the same for every row: queries are padded to one length).</param>
/// <param name="ContextMask">(passes, T) true at each pass's real context tokens.</param>
/// <param name="QueryIds">(questions, Q) the questions, when encoded apart.</param>
/// <param name="QueryMask">(questions, Q) true at the questions' real tokens.</param>
/// <param name="PassContext">(passes) the row of <paramref name="Ids"/> each pass reads.</param>
/// <param name="PassQuery">(passes) the row of <paramref name="QueryIds"/> each pass asks.</param>
public sealed record SpanInputs(Tensor Ids, Tensor Mask, Tensor Types, long ContextStart, Tensor ContextMask, Tensor? QueryIds = null,
    Tensor? QueryMask = null, Tensor? PassContext = null, Tensor? PassQuery = null);

/// <summary>
/// A BERT encoder and a span scorer (biaffine, softmax or pointer), with the question-sentence interaction when questions
/// are encoded apart. Parameter names: <c>bert.*</c> (Hugging Face's), <c>scorer.*</c>, <c>interaction.*</c>.
/// </summary>
public sealed class BertSpanNetwork : nn.Module
{
    private readonly BertModel bert;
    private readonly Dropout dropout;
    private readonly nn.Module scorer;
    private readonly QueryContextAttention? interaction;

    /// <summary>Builds the network with a random encoder.</summary>
    public BertSpanNetwork(BertSpanConfig config) : base(nameof(BertSpanNetwork))
    {
        Config = config ?? throw new ArgumentNullException(nameof(config));
        bert = new BertModel(config.Bert);
        dropout = nn.Dropout(config.Dropout);
        // With queries each pass asks about one type: the scorer tells "entity of the asked type" from "none".
        IReadOnlyList<string> classes = config.Queries is null ? config.Types : ["ENTITY"];
        // Encoded apart, each sentence state is read with what it drew from the question: [h; O], twice the width.
        bool separate = config.SeparateQuery && config.Queries is not null;
        scorer = config.Scorer.Build((separate ? 2 : 1) * config.Bert.HiddenSize, classes, config.Nested, config.Dropout);
        if (scorer is not ISpanScorer) throw new ArgumentException($"the span scorer part {config.Scorer.DisplayName} built a {scorer.GetType().Name}, not an {nameof(ISpanScorer)}");
        register_module("bert", bert);
        register_module("dropout", dropout);
        register_module("scorer", scorer);
        if (separate)
        {
            interaction = new QueryContextAttention(config.Bert.HiddenSize);
            register_module("interaction", interaction);
        }
    }

    /// <summary>The configuration.</summary>
    public BertSpanConfig Config { get; }

    /// <summary>The encoder.</summary>
    public BertModel Bert => bert;

    /// <summary>The scorer.</summary>
    public ISpanScorer Scorer => (ISpanScorer)scorer;

    /// <summary>Whether questions are encoded apart from the sentence (paper 5's eqs. 2-3).</summary>
    public bool SeparateQuery => interaction is not null;

    /// <summary>Span scores over each pass's context tokens: (passes, T, T, classes).</summary>
    public Tensor Scores(SpanInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var states = bert.forward(inputs.Ids, inputs.Mask, inputs.Types);
        var context = states.narrow(1, inputs.ContextStart, inputs.ContextMask.size(1));
        if (interaction is not null)
        {
            if (inputs.QueryIds is null || inputs.QueryMask is null || inputs.PassContext is null || inputs.PassQuery is null)
                throw new ArgumentException("a network that encodes questions apart needs the questions and each pass's context and question");
            // Each context and each question is encoded once per batch, however many passes share it.
            var question = bert.forward(inputs.QueryIds, inputs.QueryMask);
            context = interaction.forward(context.index_select(0, inputs.PassContext), question.index_select(0, inputs.PassQuery),
                inputs.QueryMask.index_select(0, inputs.PassQuery));
        }
        return Scorer.Scores(dropout.call(context), inputs.ContextMask);
    }
}

/// <summary>
/// Paper 5's span model family on the shared trainer: BERT (optionally reading one query per type, MRC) and a biaffine
/// scorer over every span of the context; gold spans (nested allowed) in, spans out. Documents longer than the window
/// are cut at sentence ends and predictions map back to the original offsets, as the taggers do. A word piece span maps
/// to the characters its pieces cover; a gold entity maps to the pieces holding its first and last character.
/// </summary>
public sealed class BertSpanModel : BertModelAdapter
{
    /// <summary>Config file in a checkpoint directory.</summary>
    public const string ConfigFile = "bert-span.json";

    /// <summary>
    /// Paper 5's queries, one per type, worded from the type's description as the paper builds them from the annotation
    /// guideline (its Table 3 for CCKS2017); also for the five types of <c>tcm/cshan</c> (SYM, HER, PRE, CAU, EFF), whose
    /// descriptions come from what the set tags (CAU holds pulses and pathogenesis: 脉弦, 气虚). Editable.
    /// </summary>
    public static IReadOnlyDictionary<string, string> DefaultQueries { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["BODY"] = "找出身体部位，包括器官、组织和身体的某个部分",
        ["SIGNS"] = "找出症状和体征，包括患者的不适和医生检查发现的异常",
        ["CHECK"] = "找出检查和检验，包括实验室检验和影像检查",
        ["DISEASE"] = "找出疾病和诊断，包括疾病名称和综合征",
        ["TREATMENT"] = "找出治疗，包括药物、手术和其他治疗方法",
        ["SYM"] = "找出中医症状，包括患者的不适、舌象和苔象",
        ["HER"] = "找出中药，包括方中所用的药材和饮片",
        ["PRE"] = "找出方剂，包括汤、散、丸、饮等成方的名称",
        ["CAU"] = "找出病因病机，包括脉象和气血阴阳的虚实",
        ["EFF"] = "找出功效，包括治法和药物的作用",
    };

    /// <summary>Wraps a network and the tokenizer of its vocabulary.</summary>
    public BertSpanModel(BertSpanNetwork network, WordPieceTokenizer tokenizer)
        : base(network, (network ?? throw new ArgumentNullException(nameof(network))).Config.Bert, tokenizer)
    {
        Network0 = network;
        queryIds = network.Config.Queries is null ? null
            : network.Config.Types.ToDictionary(t => t, t => Tokenizer.Tokenize(network.Config.Queries.TryGetValue(t, out var q) ? q : t).Select(p => p.Id).ToArray(), StringComparer.Ordinal);
    }

    private readonly Dictionary<string, int[]>? queryIds;

    /// <summary>A fresh model for the types of <paramref name="train"/> (nested when the training data nests), its encoder from <paramref name="pretrained"/> or random.</summary>
    /// <param name="train">Training documents (their types become the classes).</param>
    /// <param name="tokenizer">The encoder's WordPiece vocabulary.</param>
    /// <param name="bert">Encoder sizes.</param>
    /// <param name="pretrained">Encoder weights (a checkpoint folder or safetensors file), or null for random ones.</param>
    /// <param name="queries">MRC queries by type (<see cref="DefaultQueries"/> for the CCKS2017 and TCM types; a type without one asks its own name); null = no queries.</param>
    /// <param name="customize">Changes to the config before the network is built.</param>
    /// <param name="seed">Seeds the initial weights.</param>
    public static BertSpanModel Create(IReadOnlyList<Document> train, WordPieceTokenizer tokenizer, BertConfig bert, string? pretrained = null,
        IReadOnlyDictionary<string, string>? queries = null, Func<BertSpanConfig, BertSpanConfig>? customize = null, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var types = train.SelectMany(d => d.Entities).Select(e => e.Type).Distinct().Order(StringComparer.Ordinal).ToList();
        bool nested = train.Any(d => d.Entities.Any(a => d.Entities.Any(b => a != b && a.Start < b.End && b.Start < a.End)));
        var config = new BertSpanConfig(bert with { VocabSize = tokenizer.VocabularySize }, types, queries, Nested: nested);
        config = customize?.Invoke(config) ?? config;
        manual_seed(seed);
        var network = new BertSpanNetwork(config);
        if (pretrained is not null) BertCheckpoint.LoadEncoder(network.Bert, pretrained);
        return new BertSpanModel(network, tokenizer);
    }

    private BertSpanNetwork Network0 { get; }

    /// <summary>The network.</summary>
    public BertSpanNetwork SpanNetwork => Network0;
    /// <inheritdoc/>
    protected override string ConfigFileName => ConfigFile;
    /// <inheritdoc/>
    protected override int WindowPieces => MaxContext;
    /// <inheritdoc/>
    public override string Kind => "BERT" + (Network0.Config.Queries is null ? "" : "-MRC") + "-" + Network0.Config.Scorer.DisplayName +
        (Network0.SeparateQuery ? " (question apart)" : "");
    /// <inheritdoc/>
    public override string ConfigJson => Network0.Config.ToJson();
    /// <inheritdoc/>
    public override IEnumerable<nn.Parameter> PretrainedParameters => Network0.Bert.parameters();
    /// <summary>The encoder's word-piece embedding table.</summary>
    public override IEnumerable<nn.Parameter> InputEmbeddings => [Network0.Bert.WordEmbeddings.weight];

    // Read jointly, the query and its [SEP] come before every context; encoded apart, they take no room from it.
    private int LongestQuery => queryIds is null || Network0.SeparateQuery ? 0 : queryIds.Values.Max(q => q.Length) + 1;
    private int MaxContext => Network0.Config.Bert.MaxPositions - 2 - LongestQuery;

    /// <inheritdoc/>
    public override Tensor Loss(IReadOnlyList<Document> batch)
    {
        var passes = Passes(Windows(batch).Select(w => w.Window.Piece).ToList());
        var (inputs, pieces) = Encode(passes);
        var scores = Network0.Scores(inputs);
        var gold = passes.Select((p, r) => (IReadOnlyList<EntitySpan>)GoldOnPieces(p.Document, p.Type, pieces[r])).ToList();
        return Network0.Scorer.Loss(scores, inputs.ContextMask, pieces.Select(p => (long)p.Count).ToArray(), gold);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<IReadOnlyList<EntitySpan>> Predict(IReadOnlyList<Document> documents) =>
        PredictWithConfidence(documents, 16).Select(p => p.Spans).ToList();

    /// <summary>Spans per document with a confidence: the lowest probability among the spans kept (1 when none).</summary>
    public override IReadOnlyList<(IReadOnlyList<EntitySpan> Spans, double Confidence)> PredictWithConfidence(IReadOnlyList<Document> documents, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var windows = Windows(documents);
        var perWindow = windows.Select(_ => new List<(int Start, int End, int Class, float Score)>()).ToList();
        var passes = windows.SelectMany((w, k) => Passes([w.Window.Piece]).Select(p => (Window: k, Pass: p))).ToList();
        BatchedInference.ForEachChunk(passes, batchSize, null, indices =>
        {
            var chunk = indices.Select(k => passes[k]).ToArray();
            var (inputs, pieces) = Encode(chunk.Select(c => c.Pass).ToList());
            var scores = Network0.Scores(inputs);
            var candidates = Network0.Scorer.Candidates(scores, pieces.Select(p => (long)p.Count).ToArray());
            for (int r = 0; r < chunk.Length; r++)
            {
                var (window, pass) = chunk[r];
                foreach (var c in candidates[r])
                {
                    // Piece span → characters; with queries the class is the asked type.
                    int type = pass.Type is null ? c.Class : Network0.Config.Types.ToList().IndexOf(pass.Type) + 1;
                    perWindow[window].Add((pieces[r][c.Start].Start, pieces[r][c.End - 1].End, type, c.Score));
                }
            }
        });
        var spans = documents.Select(_ => new List<EntitySpan>()).ToList();
        var confidence = Enumerable.Repeat(1.0, documents.Count).ToArray();
        var classes = Network0.Config.Types.Prepend("O").ToList();
        for (int k = 0; k < windows.Count; k++)
        {
            var kept = BiaffineSpanScorer.Select(perWindow[k], Network0.Config.Nested);
            var (doc, window) = windows[k];
            spans[doc].AddRange(window.ToOriginal(kept.Select(s => new EntitySpan(s.Start, s.End, classes[s.Class]))));
            if (kept.Count > 0) confidence[doc] = Math.Min(confidence[doc], kept.Min(s => (double)s.Score));
        }
        return spans.Select((s, i) => ((IReadOnlyList<EntitySpan>)s.OrderBy(e => e.Start).ThenBy(e => e.End).ToList(), confidence[i])).ToList();
    }

    /// <summary>
    /// One pass of the model over <paramref name="document"/> (its first window) as the model reads it, to show the method:
    /// the word pieces of the input ([CLS], with queries the query of <paramref name="type"/> and [SEP], the context, [SEP];
    /// with the question encoded apart, [CLS] query [SEP] and then [CLS] context [SEP]),
    /// the context's pieces, and each context span's class probabilities from the scorer.
    /// </summary>
    /// <exception cref="ArgumentException">A type for a model without queries, none for one with them, or an unknown type.</exception>
    public SpanScoreMatrix ScoreMatrix(Document document, string? type = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (queryIds is null && type is not null) throw new ArgumentException("this model reads no queries: ask without a type");
        if (queryIds is not null && (type is null || !queryIds.ContainsKey(type)))
            throw new ArgumentException($"this model asks one query per type: give one of {string.Join(", ", Network0.Config.Types)}");
        var piece = Windows([document])[0].Window.Piece;
        bool training = Network0.training;
        Network0.eval();
        try
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var (inputs, pieces) = Encode([(piece, type)]);
            var probabilities = nn.functional.softmax(Network0.Scores(inputs), -1)[0].cpu().to_type(ScalarType.Float32);
            long t = probabilities.size(0), c = probabilities.size(2);
            var flat = probabilities.contiguous().data<float>();
            var grid = new float[t, t, c];
            Buffer.BlockCopy(flat, 0, grid, 0, flat.Length * sizeof(float));
            List<string> Read(Tensor ids, Tensor mask) =>
                ids[0].cpu().data<long>().Zip(mask[0].cpu().data<bool>()).Where(x => x.Second).Select(x => Tokenizer[(int)x.First]).ToList();
            var input = inputs.QueryIds is null ? Read(inputs.Ids, inputs.Mask)
                : [.. Read(inputs.QueryIds.index_select(0, inputs.PassQuery!), inputs.QueryMask!.index_select(0, inputs.PassQuery!)), .. Read(inputs.Ids, inputs.Mask)];
            return new SpanScoreMatrix(input, pieces[0].Select(p => Tokenizer[p.Id]).ToList(), Network0.Scorer.Classes, grid);
        }
        finally
        {
            Network0.train(training);
        }
    }

    /// <inheritdoc/>
    public override IEnumerable<optim.ParamGroup> ParameterGroups(double learningRate, double weightDecay, double? headLearningRate = null) =>
        WeightDecayGroups.EncoderAndHead(Network0.named_parameters(), "bert.", learningRate, weightDecay, headLearningRate);

    /// <summary>Rebuilds a model saved by <see cref="BertModelAdapter.Save"/>.</summary>
    public static BertSpanModel Load(string directory)
    {
        var (configPath, tokenizer) = OpenFiles(directory, ConfigFile);
        return Restore(new BertSpanModel(new BertSpanNetwork(BertSpanConfig.FromJson(File.ReadAllText(configPath), configPath)), tokenizer), directory);
    }

    // One pass per document without queries; one per document and type with them.
    private List<(Document Document, string? Type)> Passes(IReadOnlyList<Document> documents) => queryIds is null
        ? documents.Select(d => (d, (string?)null)).ToList()
        : documents.SelectMany(d => Network0.Config.Types.Select(t => (d, (string?)t))).ToList();

    // Gold entities (of the asked type, with queries) as piece spans, end exclusive.
    private static List<EntitySpan> GoldOnPieces(Document document, string? type, List<(int Id, int Start, int End)> pieces)
    {
        var result = new List<EntitySpan>();
        foreach (var e in document.Entities.Where(e => type is null || e.Type == type))
        {
            int first = pieces.FindIndex(p => p.Start <= e.Start && e.Start < p.End), last = pieces.FindIndex(p => p.Start < e.End && e.End <= p.End);
            if (first >= 0 && last >= first) result.Add(new EntitySpan(first, last + 1, type is null ? e.Type : "ENTITY"));
        }
        return result;
    }

    private (SpanInputs Inputs, List<List<(int Id, int Start, int End)>> Pieces) Encode(List<(Document Document, string? Type)> passes)
    {
        var pieces = passes.Select(p => PiecesOf(p.Document)).ToList();
        return (Network0.SeparateQuery ? EncodeApart(passes, pieces) : EncodeJointly(passes, pieces), pieces);
    }

    private SpanInputs EncodeJointly(List<(Document Document, string? Type)> passes, List<List<(int Id, int Start, int End)>> pieces)
    {
        int n = passes.Count, t = Math.Max(1, pieces.Max(p => p.Count)), start = 1 + LongestQuery, width = start + t + 1;
        var ids = new long[n * width];
        var mask = new bool[n * width];
        var types = new long[n * width];
        var contextMask = new bool[n * t];
        Array.Fill(ids, Tokenizer.PadId);
        for (int r = 0; r < n; r++)
        {
            ids[r * width] = Tokenizer.ClsId;
            mask[r * width] = true;
            if (passes[r].Type is { } type)
            {
                // The query, then [SEP], right-aligned before the context so every context starts at the same column.
                int[] q = queryIds![type];
                int at = start - q.Length - 1;
                for (int k = 0; k < q.Length; k++) { ids[r * width + at + k] = q[k]; mask[r * width + at + k] = true; }
                ids[r * width + start - 1] = Tokenizer.SepId;
                mask[r * width + start - 1] = true;
            }
            var p = pieces[r];
            for (int k = 0; k < p.Count; k++)
            {
                ids[r * width + start + k] = p[k].Id;
                mask[r * width + start + k] = true;
                types[r * width + start + k] = queryIds is null ? 0 : 1;
                contextMask[r * t + k] = true;
            }
            ids[r * width + start + p.Count] = Tokenizer.SepId;
            mask[r * width + start + p.Count] = true;
            types[r * width + start + p.Count] = queryIds is null ? 0 : 1;
        }
        // Built on the host, then moved to the network's device.
        var device = Devices.Of(Network0);
        return new(Devices.Move(tensor(ids).view(n, width), device), Devices.Move(tensor(mask).view(n, width), device), Devices.Move(tensor(types).view(n, width), device),
            start, Devices.Move(tensor(contextMask).view(n, t), device));
    }

    // Each distinct context once ([CLS] context [SEP]), each type's question once ([CLS] query [SEP]), and per pass which of each it reads.
    private SpanInputs EncodeApart(List<(Document Document, string? Type)> passes, List<List<(int Id, int Start, int End)>> pieces)
    {
        var rowOf = new Dictionary<Document, int>(ReferenceEqualityComparer.Instance);
        var contexts = new List<List<(int Id, int Start, int End)>>();
        var passContext = new long[passes.Count];
        for (int r = 0; r < passes.Count; r++)
        {
            if (!rowOf.TryGetValue(passes[r].Document, out int row)) (rowOf[passes[r].Document], row) = (contexts.Count, contexts.Count);
            if (row == contexts.Count) contexts.Add(pieces[r]);
            passContext[r] = row;
        }
        int t = Math.Max(1, pieces.Max(p => p.Count));
        var (ids, mask) = Sequences(contexts.Select(c => c.Select(p => p.Id).ToArray()).ToList(), t + 2);
        var contextMask = new bool[passes.Count * t];
        for (int r = 0; r < passes.Count; r++)
            for (int k = 0; k < pieces[r].Count; k++) contextMask[r * t + k] = true;
        var typeList = Network0.Config.Types.ToList();
        var questions = typeList.Select(type => queryIds![type]).ToList();
        var (queryIdsRows, queryMask) = Sequences(questions, questions.Max(q => q.Length) + 2);
        var passQuery = passes.Select(p => (long)typeList.IndexOf(p.Type!)).ToArray();
        var device = Devices.Of(Network0);
        Tensor On(Tensor x) => Devices.Move(x, device);
        return new(On(ids), On(mask), On(zeros_like(ids)), 1, On(tensor(contextMask).view(passes.Count, t)), On(queryIdsRows), On(queryMask),
            On(tensor(passContext)), On(tensor(passQuery)));
    }

    // [CLS] pieces [SEP] per row, padded to width: (ids, mask) on the host.
    private (Tensor Ids, Tensor Mask) Sequences(List<int[]> rows, int width)
    {
        var ids = new long[rows.Count * width];
        var mask = new bool[rows.Count * width];
        Array.Fill(ids, Tokenizer.PadId);
        for (int r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            ids[r * width] = Tokenizer.ClsId;
            for (int k = 0; k < row.Length; k++) ids[r * width + 1 + k] = row[k];
            ids[r * width + 1 + row.Length] = Tokenizer.SepId;
            for (int k = 0; k < row.Length + 2; k++) mask[r * width + k] = true;
        }
        return (tensor(ids).view(rows.Count, width), tensor(mask).view(rows.Count, width));
    }
}

/// <summary>What a span model reads and scores in one pass (<see cref="BertSpanModel.ScoreMatrix"/>).</summary>
/// <param name="Input">The word pieces of the input, in order.</param>
/// <param name="Context">The context's pieces (the spans' rows and columns).</param>
/// <param name="Classes">The scorer's classes, "no entity" first.</param>
/// <param name="Probabilities">(start piece, end piece, class): each span's class probabilities (end ≥ start only is a span).</param>
public sealed record SpanScoreMatrix(IReadOnlyList<string> Input, IReadOnlyList<string> Context, IReadOnlyList<string> Classes, float[,,] Probabilities)
{
    /// <summary>The probability that the span from piece <paramref name="start"/> to <paramref name="end"/> is an entity of any class.</summary>
    public double EntityProbability(int start, int end) => end < start ? double.NaN : 1 - Probabilities[start, end, 0];
}
