using ClinicalNer.Data.Readers;
using ClinicalNer.Models.Tagging;

namespace ClinicalNer.Models.Specs;

/// <summary>Word inputs from paper 2's entity-aware segmentation (the tagger's <c>words</c> field): each character gets the vector of its word.</summary>
/// <param name="Lexicons">Segmentation lexicons (one term per line); the training entities are words too.</param>
/// <param name="Dim">Embedding size.</param>
/// <param name="GoldSegmentation">Keep the training text's gold entities whole when segmenting it (the paper's layer);
/// false segments the training text as new text is, with no boundary the test text lacks.</param>
public sealed record WordInputSpec(IReadOnlyList<string> Lexicons, int Dim = 50, bool GoldSegmentation = true)
{
    /// <summary>The segmentation terms of the lexicon files.</summary>
    public HashSet<string> ReadTerms() => Lexicons.SelectMany(f => LexiconReader.ReadLexicon(f).Keys).ToHashSet(StringComparer.Ordinal);

    /// <summary>Sets the word table's size in a config.</summary>
    public SequenceTaggerConfig Configure(SequenceTaggerConfig config) => config with { WordEmbeddingDim = Dim };
}
