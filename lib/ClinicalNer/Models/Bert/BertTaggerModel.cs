using ClinicalNer.Data;
using ClinicalNer.Data.Readers;
using ClinicalNer.Models.Bert;
using ClinicalNer.Text;
using ClinicalNer.Text.Lexicon;
using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Models.Bert;

/// <summary>
/// A <see cref="BertTagger"/> with its WordPiece tokenizer: labels go to word pieces through the
/// piece→character map (a piece takes the tag of its first character) and predictions come back as
/// character spans. Documents longer than the encoder's window are cut at sentence ends into pieces
/// that fit, and predictions map back to the original offsets. With a knowledge graph it is K-BERT: each window's
/// entities get their graph objects injected (<see cref="KnowledgeInjector"/>), and the head reads the sentence's
/// positions only.
/// </summary>
public sealed class BertTaggerModel : BertModelAdapter
{
    /// <summary>Weights file in a checkpoint directory.</summary>
    public const string WeightsFile = CheckpointFiles.WeightsFile;
    /// <summary>Config file in a checkpoint directory.</summary>
    public const string ConfigFile = "bert-tagger.json";
    /// <summary>K-BERT's knowledge graph in a checkpoint directory (subject, relation, object per line, tab-separated).</summary>
    public const string KnowledgeFile = "knowledge.spo";

    private readonly Dictionary<string, int> labelIds;

    /// <summary>Wraps a tagger, the tokenizer of its vocabulary and, for K-BERT (<see cref="BertTaggerConfig.Knowledge"/>), its knowledge graph.</summary>
    public BertTaggerModel(BertTagger tagger, WordPieceTokenizer tokenizer, IReadOnlyList<Triple>? knowledge = null)
        : base(tagger, (tagger ?? throw new ArgumentNullException(nameof(tagger))).Config.Bert, tokenizer)
    {
        Tagger = tagger;
        labelIds = tagger.Config.Labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i);
        if (tagger.Config.Knowledge is { } injection)
        {
            Knowledge = knowledge ?? throw new ArgumentException("a K-BERT tagger (its config has knowledge injection) needs its knowledge graph");
            Injector = new KnowledgeInjector(new KnowledgeGraphMatcher(knowledge), tokenizer, injection);
        }
        else if (knowledge is not null) throw new ArgumentException("a knowledge graph was given to a tagger whose config has no knowledge injection");
    }

    /// <summary>
    /// A fresh tagger for the types of <paramref name="train"/>, its encoder from <paramref name="pretrained"/>
    /// (a Hugging Face-layout safetensors file or checkpoint folder) or random when null.
    /// </summary>
    public static BertTaggerModel Create(IReadOnlyList<Document> train, WordPieceTokenizer tokenizer, BertConfig bert, string? pretrained = null,
        BertHead head = BertHead.BiLstmCrf, TagScheme scheme = TagScheme.BIO, Func<BertTaggerConfig, BertTaggerConfig>? customize = null, int seed = 1,
        IReadOnlyList<Triple>? knowledge = null, KnowledgeInjectionOptions? injection = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var labels = TagCodec.Labels(train.SelectMany(d => d.Entities).Select(e => e.Type), scheme);
        var config = new BertTaggerConfig(bert with { VocabSize = tokenizer.VocabularySize }, labels, scheme, head,
            Knowledge: knowledge is null ? null : injection ?? new KnowledgeInjectionOptions());
        config = customize?.Invoke(config) ?? config;
        manual_seed(seed);
        var tagger = new BertTagger(config);
        if (pretrained is not null) BertCheckpoint.LoadEncoder(tagger.Bert, pretrained);
        return new BertTaggerModel(tagger, tokenizer, knowledge);
    }

    /// <summary>The network.</summary>
    public BertTagger Tagger { get; }
    /// <summary>K-BERT's knowledge graph, or null for a plain BERT tagger.</summary>
    public IReadOnlyList<Triple>? Knowledge { get; }
    /// <summary>K-BERT's injection, or null for a plain BERT tagger.</summary>
    public KnowledgeInjector? Injector { get; }
    /// <summary>Most word pieces per sequence, [CLS] and [SEP] excluded.</summary>
    public int MaxPieces => Tagger.Config.Bert.MaxPositions - 2;
    /// <inheritdoc/>
    protected override int WindowPieces => MaxPieces;
    /// <inheritdoc/>
    protected override string ConfigFileName => ConfigFile;
    /// <inheritdoc/>
    public override string Kind => (Injector is null ? "" : "K-") + Tagger.Config.Head switch { BertHead.Softmax => "BERT-Softmax", BertHead.Crf => "BERT-CRF", _ => "BERT-BiLSTM-CRF" };
    /// <inheritdoc/>
    public override string ConfigJson => Tagger.Config.ToJson();

    /// <inheritdoc/>
    public override Tensor Loss(IReadOnlyList<Document> batch)
    {
        var encoded = Encode(Windows(batch).Select(w => w.Window.Piece).ToList(), withLabels: true);
        return Tagger.Loss(encoded.Ids, encoded.Attention, encoded.Lengths, encoded.Labels!, encoded.LabelMask, encoded.Knowledge);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<IReadOnlyList<EntitySpan>> Predict(IReadOnlyList<Document> documents) =>
        PredictWithConfidence(documents, 32).Select(p => p.Spans).ToList();

    /// <inheritdoc/>
    public override IReadOnlyList<(IReadOnlyList<EntitySpan> Spans, double Confidence)> PredictWithConfidence(IReadOnlyList<Document> documents, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var windows = Windows(documents);
        var spans = documents.Select(_ => new List<EntitySpan>()).ToList();
        var confidence = Enumerable.Repeat(1.0, documents.Count).ToArray();
        BatchedInference.ForEachChunk(windows, batchSize, w => w.Window.Piece.Length, chunk =>
        {
            var pieces = chunk.Select(k => windows[k].Window.Piece).ToList();
            var encoded = Encode(pieces, withLabels: false);
            var (paths, probability) = Tagger.Decode(encoded.Ids, encoded.Attention, encoded.Lengths, encoded.LabelMask, encoded.Knowledge);
            for (int r = 0; r < chunk.Length; r++)
            {
                var (doc, window) = windows[chunk[r]];
                spans[doc].AddRange(window.ToOriginal(SpansOf(paths[r], encoded.Pieces[r])));
                confidence[doc] *= probability[r];
            }
        });
        return spans.Select((s, i) => ((IReadOnlyList<EntitySpan>)s.OrderBy(e => e.Start).ToList(), confidence[i])).ToList();
    }

    /// <inheritdoc/>
    public override IEnumerable<optim.ParamGroup> ParameterGroups(double learningRate, double weightDecay, double? headLearningRate = null) =>
        WeightDecayGroups.EncoderAndHead(Tagger.named_parameters(), "bert.", learningRate, weightDecay, headLearningRate);   // BERT at the trainer's rate, the head at its own

    /// <summary>The encoder's parameters (pretrained, or randomly initialised when no weights were given).</summary>
    public override IEnumerable<nn.Parameter> PretrainedParameters => Tagger.Bert.parameters();

    /// <summary>The encoder's word-piece embedding table.</summary>
    public override IEnumerable<nn.Parameter> InputEmbeddings => [Tagger.Bert.WordEmbeddings.weight];

    /// <inheritdoc/>
    public override void Save(string directory)
    {
        base.Save(directory);
        if (Knowledge is not null)
            File.WriteAllLines(Path.Combine(directory, KnowledgeFile), Knowledge.Select(t => $"{t.Head}\t{t.Relation}\t{t.Tail}"));
    }

    /// <summary>The injected sequences of a document's windows (what the encoder reads), for showing what the graph added.</summary>
    /// <exception cref="InvalidOperationException">For a plain BERT tagger.</exception>
    public IReadOnlyList<(Window Window, InjectedSequence Sequence)> Injections(Document document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var injector = Injector ?? throw new InvalidOperationException($"{Kind} injects no knowledge");
        return Windows([document]).Select(w => (w.Window, injector.Inject(w.Window.Piece.Chars, PiecesOf(w.Window.Piece), Tagger.Config.Bert.MaxPositions))).ToList();
    }

    /// <summary>Rebuilds a model saved by <see cref="Save"/>.</summary>
    /// <exception cref="FileNotFoundException">When a checkpoint file is missing (named).</exception>
    public static BertTaggerModel Load(string directory)
    {
        var (configPath, tokenizer) = OpenFiles(directory, ConfigFile);
        var config = BertTaggerConfig.FromJson(File.ReadAllText(configPath), configPath);
        if (config.Knowledge is not null) CheckpointFiles.RequireFiles(directory, KnowledgeFile);
        var knowledge = config.Knowledge is null ? null : LexiconReader.ReadTriples(Path.Combine(directory, KnowledgeFile));
        return Restore(new BertTaggerModel(new BertTagger(config), tokenizer, knowledge), directory);
    }

    private List<EntitySpan> SpansOf(IReadOnlyList<int> path, List<(int Id, int Start, int End)> pieces) =>
        TagCodec.Decode(path.Select(i => Tagger.Config.Labels[i]).ToArray())
            .Select(s => new EntitySpan(pieces[s.Start].Start, pieces[s.End - 1].End, s.Type)).ToList();

    private sealed record Encoded(Tensor Ids, Tensor Attention, long[] Lengths, Tensor? Labels, Tensor LabelMask, List<List<(int Id, int Start, int End)>> Pieces,
        KnowledgeInputs? Knowledge = null)
    {
        public Encoded To(Device device) => this with
        {
            Ids = Devices.Move(Ids, device), Attention = Devices.Move(Attention, device), Labels = Devices.MoveOptional(Labels, device),
            LabelMask = Devices.Move(LabelMask, device),
            Knowledge = Knowledge is null ? null : new KnowledgeInputs(Devices.Move(Knowledge.PositionIds, device), Devices.MoveOptional(Knowledge.Visible, device),
                Devices.Move(Knowledge.SentenceIndex, device)),
        };
    }

    // Built on the host, then moved to the network's device.
    private Encoded Encode(List<Document> documents, bool withLabels)
    {
        var pieces = documents.Select(PiecesOf).ToList();
        var encoded = Injector is null ? EncodePlain(documents, pieces, withLabels) : EncodeInjected(documents, pieces, withLabels, Injector);
        return encoded.To(Devices.Of(Tagger));
    }

    // Labels per sentence piece (n x t, -100 where there is none) and the mask of labelled positions.
    private (Tensor? Labels, Tensor LabelMask, long[] Lengths) PieceLabels(List<Document> documents, List<List<(int Id, int Start, int End)>> pieces, int t, bool withLabels)
    {
        int n = documents.Count;
        var labelMask = new bool[n * t];
        var labels = new long[n * t];
        Array.Fill(labels, -100);
        for (int r = 0; r < n; r++)
        {
            var p = pieces[r];
            for (int k = 0; k < p.Count; k++) labelMask[r * t + k] = true;
            if (!withLabels) continue;
            string[] charTags = TagCodec.Encode(documents[r].Length, documents[r].Entities, Tagger.Config.Scheme, out _);
            for (int k = 0; k < p.Count; k++)
                labels[r * t + k] = labelIds.TryGetValue(charTags[p[k].Start], out int id) ? id : 0;
        }
        // Sequences with no pieces (blank text) still get one masked position so the CRF sees length >= 1.
        long[] lengths = pieces.Select(p => (long)Math.Max(1, p.Count)).ToArray();
        for (int r = 0; r < n; r++) labelMask[r * t] = true;
        return (withLabels ? tensor(labels).view(n, t) : null, tensor(labelMask).view(n, t), lengths);
    }

    private Encoded EncodeInjected(List<Document> documents, List<List<(int Id, int Start, int End)>> pieces, bool withLabels, KnowledgeInjector injector)
    {
        var sequences = documents.Select((d, r) => injector.Inject(d.Chars, pieces[r], Tagger.Config.Bert.MaxPositions)).ToList();
        int n = documents.Count, t = Math.Max(1, pieces.Max(p => p.Count)), width = sequences.Max(s => s.Ids.Length);
        var ids = new long[n * width];
        var attention = new bool[n * width];
        var positions = new long[n * width];
        var sentence = new long[n * t];
        bool withVisible = injector.Options.VisibleMatrix;
        var visible = withVisible ? new bool[n * width * width] : null;
        Array.Fill(ids, Tokenizer.PadId);
        for (int r = 0; r < n; r++)
        {
            var s = sequences[r];
            for (int k = 0; k < s.Ids.Length; k++)
            {
                ids[r * width + k] = s.Ids[k];
                attention[r * width + k] = true;
                positions[r * width + k] = s.Positions[k];
            }
            for (int k = 0; k < s.SentenceTokens.Length; k++) sentence[r * t + k] = s.SentenceTokens[k];
            if (visible is null) continue;
            for (int i = 0; i < s.Ids.Length; i++)
                for (int j = 0; j < s.Ids.Length; j++) visible[((long)r * width + i) * width + j] = s.Visible![i, j];
        }
        var (labels, labelMask, lengths) = PieceLabels(documents, pieces, t, withLabels);
        var knowledge = new KnowledgeInputs(tensor(positions).view(n, width), visible is null ? null : tensor(visible).view(n, width, width), tensor(sentence).view(n, t));
        return new Encoded(tensor(ids).view(n, width), tensor(attention).view(n, width), lengths, labels, labelMask, pieces, knowledge);
    }

    private Encoded EncodePlain(List<Document> documents, List<List<(int Id, int Start, int End)>> pieces, bool withLabels)
    {
        int n = documents.Count, t = Math.Max(1, pieces.Max(p => p.Count)), width = t + 2;
        var ids = new long[n * width];
        var attention = new bool[n * width];
        Array.Fill(ids, Tokenizer.PadId);
        for (int r = 0; r < n; r++)
        {
            var p = pieces[r];
            ids[r * width] = Tokenizer.ClsId;
            for (int k = 0; k < p.Count; k++) ids[r * width + 1 + k] = p[k].Id;
            ids[r * width + 1 + p.Count] = Tokenizer.SepId;
            for (int k = 0; k < p.Count + 2; k++) attention[r * width + k] = true;
        }
        var (labels, labelMask, lengths) = PieceLabels(documents, pieces, t, withLabels);
        return new Encoded(tensor(ids).view(n, width), tensor(attention).view(n, width), lengths, labels, labelMask, pieces);
    }
}
