namespace ClinicalNer.Tests;

/// <summary>Paper 1's text noise: characters replaced at the rate asked, spans kept, the same for a seed.</summary>
public class TextNoiseTests
{
    private static readonly List<Document> Docs = Enumerable.Range(0, 200).Select(i => Document.Create($"{i}", "患者左肺下叶结节 三天，咳嗽伴发热。",
        [new(2, 6, "BODY"), new(12, 14, "SIGNS")], "t")).ToList();

    [Fact]
    public void About_the_rate_of_characters_change_the_spans_stay_and_a_seed_repeats_it()
    {
        var noisy = TextNoise.Substitute(Docs, 0.2, seed: 7);
        int total = 0, changed = 0;
        foreach (var (before, after) in Docs.Zip(noisy))
        {
            Assert.Equal(before.Length, after.Length);
            Assert.Equal(before.Entities, after.Entities);
            Assert.Equal(" ", after.Chars[8]);   // whitespace is never replaced
            for (int i = 0; i < before.Length; i++)
            {
                if (before.Chars[i] == " ") continue;
                total++;
                if (before.Chars[i] != after.Chars[i]) changed++;
            }
        }
        // Replaced at 0.2, by a character of the text (which is sometimes the same one): between 0.15 and 0.2 change.
        double share = changed / (double)total;
        Assert.InRange(share, 0.14, 0.21);
        Assert.All(noisy.SelectMany(d => d.Chars), c => Assert.Contains(c, Docs[0].Chars));
        Assert.Equal(noisy.Select(d => d.Text), TextNoise.Substitute(Docs, 0.2, seed: 7).Select(d => d.Text));
        Assert.NotEqual(noisy.Select(d => d.Text), TextNoise.Substitute(Docs, 0.2, seed: 8).Select(d => d.Text));
        Assert.Equal(Docs, TextNoise.Substitute(Docs, 0, seed: 7));
        Assert.Throws<ArgumentOutOfRangeException>(() => TextNoise.Substitute(Docs, 1.0, seed: 7));
    }
}
