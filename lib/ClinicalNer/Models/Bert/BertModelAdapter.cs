using ClinicalNer.Data;
using ClinicalNer.Text;
using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Models.Bert;

/// <summary>
/// What the BERT taggers and span models share around their networks: the tokenizer of the encoder's vocabulary (checked
/// against the config's size), documents cut at sentence ends into windows the encoder reads, a window's word pieces with
/// the characters each covers, and the checkpoint files (weights, the family's config, vocab.txt, the spec).
/// </summary>
public abstract class BertModelAdapter : INerModel
{
    /// <summary>Vocabulary file in a checkpoint directory.</summary>
    public const string VocabFile = "vocab.txt";

    /// <summary>Wraps <paramref name="network"/> (whose encoder has <paramref name="bert"/>'s sizes) and its tokenizer.</summary>
    /// <exception cref="ArgumentException">When the vocabulary's size is not the config's.</exception>
    protected BertModelAdapter(nn.Module network, BertConfig bert, WordPieceTokenizer tokenizer)
    {
        Network = network ?? throw new ArgumentNullException(nameof(network));
        ArgumentNullException.ThrowIfNull(bert);
        Tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        if (tokenizer.VocabularySize != bert.VocabSize)
            throw new ArgumentException($"the vocabulary has {tokenizer.VocabularySize} entries but the BERT config says vocab_size {bert.VocabSize}");
    }

    /// <summary>The tokenizer (its vocabulary is the encoder's).</summary>
    public WordPieceTokenizer Tokenizer { get; }

    /// <inheritdoc/>
    public nn.Module Network { get; }

    /// <inheritdoc/>
    public abstract string Kind { get; }

    /// <inheritdoc/>
    public abstract string ConfigJson { get; }

    /// <inheritdoc/>
    public string? SpecJson { get; set; }

    /// <summary>The file the family's config is saved as.</summary>
    protected abstract string ConfigFileName { get; }

    /// <summary>Word pieces a window may hold (the encoder's positions less the special and query pieces).</summary>
    protected abstract int WindowPieces { get; }

    /// <inheritdoc/>
    public abstract torch.Tensor Loss(IReadOnlyList<Document> batch);

    /// <inheritdoc/>
    public abstract IReadOnlyList<IReadOnlyList<EntitySpan>> Predict(IReadOnlyList<Document> documents);

    /// <inheritdoc/>
    public abstract IReadOnlyList<(IReadOnlyList<EntitySpan> Spans, double Confidence)> PredictWithConfidence(IReadOnlyList<Document> documents, int batchSize);

    /// <inheritdoc/>
    public int LengthOf(Document document) => document?.Length ?? 0;

    /// <summary>The encoder's parameters, which RecAdam pulls toward their values at the start of fine-tuning.</summary>
    public abstract IEnumerable<nn.Parameter> PretrainedParameters { get; }

    /// <summary>The encoder's word-piece embedding table (adversarial training perturbs it).</summary>
    public abstract IEnumerable<nn.Parameter> InputEmbeddings { get; }

    /// <inheritdoc/>
    public abstract IEnumerable<torch.optim.ParamGroup> ParameterGroups(double learningRate, double weightDecay, double? headLearningRate = null);

    /// <inheritdoc/>
    public virtual void Save(string directory)
    {
        CheckpointFiles.SaveSpec(directory, SpecJson);
        CheckpointFiles.SaveWeights(Network, directory, Kind);
        File.WriteAllText(Path.Combine(directory, ConfigFileName), ConfigJson);
        BertCheckpoint.SaveTokenizer(Tokenizer, directory);
    }

    /// <summary>The family's config text and the tokenizer of a checkpoint folder (its files named when missing).</summary>
    protected static (string ConfigPath, WordPieceTokenizer Tokenizer) OpenFiles(string directory, string configFile)
    {
        CheckpointFiles.RequireFiles(directory, CheckpointFiles.WeightsFile, configFile, VocabFile);
        return (Path.Combine(directory, configFile), BertCheckpoint.Tokenizer(Path.Combine(directory, VocabFile), directory));
    }

    /// <summary>Loads the weights and the spec of a checkpoint into a model just rebuilt from its config.</summary>
    protected static TModel Restore<TModel>(TModel model, string directory) where TModel : BertModelAdapter
    {
        ArgumentNullException.ThrowIfNull(model);
        model.LoadWeights(directory);
        model.SpecJson = CheckpointFiles.ReadSpec(directory);
        return model;
    }

    /// <inheritdoc/>
    public void LoadWeights(string directory) => CheckpointFiles.LoadWeights(Network, directory);

    /// <summary>
    /// Documents longer than a window cut at sentence ends, each window with its document's index; training and prediction
    /// cut alike.
    /// </summary>
    protected List<(int Doc, Window Window)> Windows(IReadOnlyList<Document> documents) =>
        documents.SelectMany((d, i) => SentenceSplitter.Split(d, WindowPieces).Select(w => (i, w))).ToList();

    /// <summary>Word pieces of a document with the character range [Start, End) each covers, at most a window's worth.</summary>
    protected List<(int Id, int Start, int End)> PiecesOf(Document document)
    {
        var pieces = Tokenizer.TokenizeCharacters(document);
        return pieces.Count > WindowPieces ? pieces.Take(WindowPieces).ToList() : pieces;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Network.Dispose();
        GC.SuppressFinalize(this);
    }
}
