using ClinicalNer.Embeddings;
using ClinicalNer.Models.Tagging;

namespace ClinicalNer.Models.Specs;

/// <summary>Character bigram inputs (cᵢcᵢ₊₁) of the tagger family (its <c>bigrams</c> field).</summary>
/// <param name="MinCount">Bigrams seen at least this often in the training text get an embedding.</param>
/// <param name="Dim">Embedding size.</param>
/// <param name="Vectors">Pretrained bigram vectors (<c>lab word2vec --bigrams</c>), or null.</param>
public sealed record BigramInputSpec(int MinCount = 1, int Dim = 50, string? Vectors = null)
{
    /// <summary>Checks the fields and sets the bigram table's size in a config.</summary>
    public SequenceTaggerConfig Configure(SequenceTaggerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (MinCount < 1) throw new ArgumentException($"bigrams.minCount is {MinCount}; a bigram input needs 1 or more");
        return config with { BigramEmbeddingDim = Dim };
    }

    /// <summary>Fills the built model's bigram table from <see cref="Vectors"/>.</summary>
    public void Initialise(TaggerModel model, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(log);
        if (Vectors is not { } path) return;
        var bigrams = model.Inputs.Bigrams!;
        log.WriteLine($"pretrained bigram vectors: {Word2Vec.Load(path).CopyInto(model.Tagger.BigramEmbedding!, bigrams, $"{path} (bigrams.dim {Dim})"):N0} of {bigrams.Count:N0} found in {path}");
    }
}
