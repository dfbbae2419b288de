using ClinicalNer.Data;
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

    /// <summary>
    /// The lexicons of each type found under the data roots (<see cref="DataPaths.Require"/>: a missing one stops with
    /// the places looked in), from (type, path under a data root) pairs.
    /// </summary>
    public static DictionaryInputSpec Find(IEnumerable<(string Type, string File)> lexicons, int dim = 50)
    {
        ArgumentNullException.ThrowIfNull(lexicons);
        return new(lexicons.GroupBy(l => l.Type, StringComparer.Ordinal).ToDictionary(g => g.Key,
            g => (IReadOnlyList<string>)g.Select(l => DataPaths.Require(l.File).Path).ToList()), dim);
    }

    /// <summary>
    /// A dictionary of the entities of <paramref name="train"/>, one file per type written into <paramref name="directory"/>
    /// (a stand-in where no lexicon is at hand: a smoke run, a test).
    /// </summary>
    public static DictionaryInputSpec OfEntities(IEnumerable<Document> train, string directory, int dim = 50)
    {
        ArgumentNullException.ThrowIfNull(train);
        Directory.CreateDirectory(directory);
        var byType = train.SelectMany(d => d.Entities.Select(e => (e.Type, Text: d.Surface(e)))).GroupBy(x => x.Type, StringComparer.Ordinal);
        return new(byType.ToDictionary(g => g.Key, g =>
        {
            string file = Path.Combine(directory, $"dictionary-{g.Key}.txt");
            File.WriteAllLines(file, g.Select(x => x.Text).Distinct(StringComparer.Ordinal));
            return (IReadOnlyList<string>)[file];
        }), dim);
    }

    /// <summary>Sets the dictionary table's size in a config.</summary>
    public SequenceTaggerConfig Configure(SequenceTaggerConfig config) => config with { DictionaryEmbeddingDim = Dim };
}
