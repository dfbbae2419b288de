using TorchBinding;
using TorchBinding.Modules;
using static TorchBinding.torch;

namespace ClinicalNer.Models;

/// <summary>Hyper-parameters of <see cref="BiLstmSoftmaxTagger"/>.</summary>
/// <param name="VocabularySize">Characters in the vocabulary (id 0 is padding).</param>
/// <param name="TagCount">Tags in the tag vocabulary.</param>
/// <param name="EmbeddingDim">Character embedding size.</param>
/// <param name="HiddenSize">LSTM units per direction.</param>
/// <param name="Dropout">Dropout on embeddings and LSTM outputs.</param>
public sealed record BiLstmSoftmaxTaggerConfig(int VocabularySize, int TagCount, int EmbeddingDim = 64, int HiddenSize = 64, double Dropout = 0.2);

/// <summary>
/// Character embedding → BiLSTM → linear → per-character softmax: the "LSTM" baseline of the
/// LSTM-CRF paper (the CRF head comes with the sequence-labelling models).
/// </summary>
public sealed class BiLstmSoftmaxTagger : nn.Module
{
    private readonly Embedding embedding;
    private readonly LSTM lstm;
    private readonly Dropout dropout;
    private readonly Linear classifier;

    /// <summary>Builds the model from its config.</summary>
    public BiLstmSoftmaxTagger(BiLstmSoftmaxTaggerConfig config) : base(nameof(BiLstmSoftmaxTagger))
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        embedding = nn.Embedding(config.VocabularySize, config.EmbeddingDim, padding_idx: 0);
        lstm = nn.LSTM(config.EmbeddingDim, config.HiddenSize, batch_first: true, bidirectional: true);
        dropout = nn.Dropout(config.Dropout);
        classifier = nn.Linear(2 * config.HiddenSize, config.TagCount);
        RegisterComponents();
    }

    /// <summary>The configuration the model was built from.</summary>
    public BiLstmSoftmaxTaggerConfig Config { get; }

    /// <summary>Tag scores for a padded batch.</summary>
    /// <param name="chars">Character ids (B, T), int64, padded with 0.</param>
    /// <param name="lengths">Real lengths (B).</param>
    /// <returns>Logits (B, T, tags).</returns>
    public Tensor forward(Tensor chars, long[] lengths)
    {
        var x = dropout.call(embedding.call(chars));        // (B, T, E)
        var (h, _, _) = lstm.call(x, lengths: lengths);     // (B, T, 2H)
        return classifier.call(dropout.call(h));            // (B, T, tags)
    }
}
