using ClinicalNer.Models.Specs;

namespace ClinicalNer.Tests;

/// <summary>Where a dictionary input's lexicons come from: the data roots, or the training entities as a stand-in.</summary>
public class DictionaryInputSpecTests : TempDirTest
{
    [Fact]
    public void The_training_entities_make_one_lexicon_file_per_type()
    {
        var spec = DictionaryInputSpec.OfEntities(TinyCorpus.Documents, Path.Combine(Dir, "dict"), dim: 7);
        var expected = TinyCorpus.Documents.SelectMany(d => d.Entities.Select(e => (e.Type, Text: d.Surface(e))))
            .GroupBy(x => x.Type).ToDictionary(g => g.Key, g => g.Select(x => x.Text).Distinct().Order(StringComparer.Ordinal).ToList());
        var read = spec.ReadLexicons();
        Assert.Equal(expected.Keys.Order(), read.Keys.Order());
        foreach (var (type, terms) in expected) Assert.Equal(terms, read[type].Order(StringComparer.Ordinal));
        Assert.Equal(7, spec.Dim);
        Assert.All(spec.Lexicons.Values, files => Assert.Single(files));
    }

    [Fact]
    public void A_lexicon_missing_from_every_data_root_is_named()
    {
        var error = Assert.Throws<DirectoryNotFoundException>(() => DictionaryInputSpec.Find([("BODY", "dicts/no-such-lexicon.txt")]));
        Assert.Contains("'dicts/no-such-lexicon.txt' was not found", error.Message, StringComparison.Ordinal);
    }
}
