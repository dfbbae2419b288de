using ClinicalNer.Data.Readers;
using ClinicalNer.Models.Tagging;

namespace ClinicalNer.Models.Specs;

/// <summary>SoftLexicon word sets (the tagger's <c>softLexicon</c> field): the begin/middle/end/single sets of every lexicon word matching the text, pooled by frequency.</summary>
/// <param name="Lexicons">The lexicons.</param>
/// <param name="Dim">Word embedding size (each character gets its four pooled sets).</param>
public sealed record SoftLexiconInputSpec(IReadOnlyList<string> Lexicons, int Dim = 50)
{
    /// <summary>The words of the lexicon files.</summary>
    public List<string> ReadTerms() => Lexicons.SelectMany(f => LexiconReader.ReadLexicon(f).Keys).ToList();

    /// <summary>Sets the word table's size in a config.</summary>
    public SequenceTaggerConfig Configure(SequenceTaggerConfig config) => config with { LexiconEmbeddingDim = Dim };
}
