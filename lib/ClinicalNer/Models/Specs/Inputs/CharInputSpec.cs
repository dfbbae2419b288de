using ClinicalNer.Embeddings;
using ClinicalNer.Models.Tagging;

namespace ClinicalNer.Models.Specs;

/// <summary>Character inputs of the tagger family (its <c>chars</c> field; every tagger has them).</summary>
/// <param name="Dim">Embedding size.</param>
/// <param name="Vectors">Pretrained vectors in word2vec text format (their size must be <paramref name="Dim"/>), or null.</param>
/// <param name="Learn">Train the character table (false: it stays as initialised, paper 2's ablation of learned characters).</param>
public sealed record CharInputSpec(int Dim = 100, string? Vectors = null, bool Learn = true)
{
    /// <summary>Sets the character table's size in a config.</summary>
    public SequenceTaggerConfig Configure(SequenceTaggerConfig config) => config with { CharEmbeddingDim = Dim };

    /// <summary>Fills the built model's character table from <see cref="Vectors"/> and freezes it unless <see cref="Learn"/>.</summary>
    public void Initialise(TaggerModel model, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(log);
        var chars = model.Inputs.Characters;
        if (Vectors is { } path)
            log.WriteLine($"pretrained character vectors: {Word2Vec.Load(path).CopyInto(model.Tagger.CharEmbedding, chars, $"{path} (chars.dim {Dim})"):N0} of {chars.Count:N0} found in {path}");
        model.Tagger.CharEmbedding.weight.requires_grad = Learn;
    }
}
