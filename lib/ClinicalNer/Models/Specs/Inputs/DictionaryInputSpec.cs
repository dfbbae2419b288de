using ClinicalNer.Data.Readers;
using ClinicalNer.Models.Tagging;

namespace ClinicalNer.Models.Specs;

/// <summary>Dictionary features (the tagger's <c>dictionary</c> field): B-/I-TYPE of the longest lexicon match, as an embedding (paper 4).</summary>
/// <param name="Lexicons">The lexicon files of each entity type.</param>
/// <param name="Dim">Embedding size.</param>
public sealed record DictionaryInputSpec(IReadOnlyDictionary<string, IReadOnlyList<string>> Lexicons, int Dim = 50)
{
    /// <summary>The lexicons as TYPE=FILE pairs, one per file.</summary>
    public IEnumerable<string> Pairs() => Lexicons.SelectMany(kv => kv.Value.Select(file => $"{kv.Key}={file}"));

    /// <summary>The terms of each type.</summary>
    public IReadOnlyDictionary<string, IEnumerable<string>> ReadLexicons() => LexiconReader.ReadTypedLexicons(Pairs()) ?? [];

    /// <summary>Sets the dictionary table's size in a config.</summary>
    public SequenceTaggerConfig Configure(SequenceTaggerConfig config) => config with { DictionaryEmbeddingDim = Dim };
}
