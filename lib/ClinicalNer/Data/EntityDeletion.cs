namespace ClinicalNer.Data;

/// <summary>
/// Training data with part of one entity type's annotations removed (their characters become "O"), as paper 3's Figure 8
/// deletes 40-90 % of the BodyPart entities to see which model degrades more gracefully when a type is under-annotated.
/// </summary>
public static class EntityDeletion
{
    /// <summary>
    /// The documents with <paramref name="fraction"/> of the entities of <paramref name="type"/> removed, chosen uniformly at
    /// random with <paramref name="seed"/> (the same seed removes the same entities); other entities and the text are kept.
    /// </summary>
    /// <returns>The edited documents and how many entities were removed of how many.</returns>
    public static (List<Document> Documents, int Removed, int Total) Drop(IReadOnlyList<Document> documents, string type, double fraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(type);
        if (fraction is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "the share of entities to remove must lie in [0, 1]");
        var all = documents.SelectMany((d, i) => d.Entities.Where(e => e.Type == type).Select(e => (Doc: i, Entity: e))).ToList();
        int remove = (int)Math.Round(fraction * all.Count, MidpointRounding.AwayFromZero);
        var order = Enumerable.Range(0, all.Count).ToArray();
        new Random(seed).Shuffle(order);
        var removed = order.Take(remove).Select(k => all[k]).ToHashSet();
        var edited = documents.Select((d, i) => removed.Any(r => r.Doc == i)
            ? d with { Entities = d.Entities.Where(e => !removed.Contains((i, e))).ToList() } : d).ToList();
        return (edited, remove, all.Count);
    }
}
