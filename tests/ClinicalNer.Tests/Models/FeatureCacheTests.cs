using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Tests;

/// <summary>The feature cache: computed once per document, and bounded, so predicting over many documents keeps memory flat.</summary>
public class FeatureCacheTests
{
    // Features that tell which document and character they are of, and a count of the documents computed.
    private sealed class CountingFeatures : ICharacterFeatures
    {
        public int Computed { get; private set; }
        public string Name => "counting";
        public int Size => 4;

        public Tensor Compute(IReadOnlyList<Document> documents)
        {
            Computed += documents.Count;
            int length = Math.Max(1, documents.Max(d => d.Length));
            var values = documents.SelectMany(d => Enumerable.Range(0, length).SelectMany(t => Enumerable.Repeat((float)(d.Text.GetHashCode() % 1000 + t), 4))).ToArray();
            return tensor(values, [documents.Count, length, 4]);
        }

        public void Save(string directory) { }

        public void Dispose() { }
    }

    private static Document Doc(int i) => Document.Create($"d{i}", new string('字', 3 + i % 5) + i.ToString(System.Globalization.CultureInfo.InvariantCulture), [], "t");

    [Fact]
    public void Held_documents_are_not_computed_again_and_results_match_the_provider()
    {
        var inner = new CountingFeatures();
        using var cache = new CachedCharacterFeatures(inner, batchSize: 3, ownsInner: false);
        var docs = Enumerable.Range(0, 7).Select(Doc).ToList();
        using var first = cache.Compute(docs);
        using var again = cache.Compute(docs);
        Assert.Equal(7, inner.Computed);
        Assert.True(first.equal(again));
        using var direct = inner.Compute(docs);
        for (int i = 0; i < docs.Count; i++)   // each document's characters as the provider computes them (the cache pads with zeros)
            Assert.True(first[i].narrow(0, 0, docs[i].Length).equal(direct[i].narrow(0, 0, docs[i].Length)), $"document {i}");
    }

    [Fact]
    public void Past_its_budget_the_least_recently_used_documents_go_and_memory_stays_bounded()
    {
        var inner = new CountingFeatures();
        long perChar = 4 * sizeof(float);
        using var cache = new CachedCharacterFeatures(inner, batchSize: 8, ownsInner: false, capacityBytes: 200 * perChar);
        for (int round = 0; round < 50; round++)
        {
            using var scope = NewDisposeScope();
            cache.Compute(Enumerable.Range(round * 10, 10).Select(Doc).ToList());
            Assert.True(cache.Bytes <= cache.CapacityBytes, $"round {round}: {cache.Bytes} bytes held");
        }
        Assert.True(cache.Count < 500);
        Assert.Equal(500, inner.Computed);

        // The most recent documents are still held; the first ones were dropped and are computed again.
        cache.Compute(Enumerable.Range(490, 10).Select(Doc).ToList()).Dispose();
        Assert.Equal(500, inner.Computed);
        cache.Compute([Doc(0)]).Dispose();
        Assert.Equal(501, inner.Computed);
    }
}
