namespace ClinicalNer.Tests;

/// <summary>Removing a share of one type's annotations (paper 3's Figure 8).</summary>
public class EntityDeletionTests
{
    private static List<Document> Corpus() => Enumerable.Range(0, 10).Select(i =>
        Document.Create($"{i}", "头痛腹痛咳嗽", [new(0, 1, "BODY"), new(1, 2, "SIGNS"), new(2, 3, "BODY"), new(4, 6, "SIGNS")], "t")).ToList();

    [Fact]
    public void The_share_of_one_type_is_removed_and_everything_else_kept()
    {
        var corpus = Corpus();
        var (edited, removed, total) = EntityDeletion.Drop(corpus, "BODY", 0.4, seed: 3);
        Assert.Equal((8, 20), (removed, total));
        Assert.Equal(12, edited.Sum(d => d.Entities.Count(e => e.Type == "BODY")));
        Assert.Equal(20, edited.Sum(d => d.Entities.Count(e => e.Type == "SIGNS")));
        Assert.Equal(corpus.Select(d => d.Text), edited.Select(d => d.Text));
        Assert.All(edited.Zip(corpus), p => Assert.Subset(p.Second.Entities.ToHashSet(), p.First.Entities.ToHashSet()));
        // The same seed removes the same entities; another seed others.
        Assert.Equal(edited.Select(d => d.Entities), EntityDeletion.Drop(corpus, "BODY", 0.4, seed: 3).Documents.Select(d => d.Entities));
        Assert.NotEqual(edited.Select(d => d.Entities.Count), EntityDeletion.Drop(corpus, "BODY", 0.4, seed: 4).Documents.Select(d => d.Entities.Count));
        Assert.Equal(0, EntityDeletion.Drop(corpus, "BODY", 1.0, seed: 1).Documents.Sum(d => d.Entities.Count(e => e.Type == "BODY")));
        Assert.Throws<ArgumentOutOfRangeException>(() => EntityDeletion.Drop(corpus, "BODY", 1.5, seed: 1));
    }
}
