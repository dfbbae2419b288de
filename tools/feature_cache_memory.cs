// The feature cache's memory while predicting 100,000 documents (environment.md, "Feature caches"):
//   dotnet run tools/feature_cache_memory.cs -- [CAPACITY_MIB]   (default: the cache's own, 4 GiB)
#:project ../lib/ClinicalNer/ClinicalNer.csproj
#:property TreatWarningsAsErrors=false
using System.Diagnostics;
using ClinicalNer.Data;
using ClinicalNer.Models.Parts;
using TorchBinding;
using static TorchBinding.torch;

// Predict-time use of the feature cache: 100,000 distinct documents of 30 characters through a provider of 1,024 features
// per character (a BiLM's size), in batches of 1,000; resident memory and bytes held, every 10,000 documents.
long capacity = args.Length > 0 ? long.Parse(args[0]) << 20 : CachedCharacterFeatures.DefaultCapacityBytes;
using var cache = new CachedCharacterFeatures(new Fake(), 64, true, capacity);
Console.WriteLine($"capacity {capacity >> 20} MiB");
for (int start = 0; start < 100_000; start += 1000)
{
    using (var scope = NewDisposeScope())
        cache.Compute(Enumerable.Range(start, 1000).Select(i => Document.Create($"d{i}", new string('字', 24) + i.ToString("D6"), [], "x")).ToList());
    if ((start + 1000) % 10_000 == 0)
        Console.WriteLine($"{start + 1000,7} documents: rss {Process.GetCurrentProcess().WorkingSet64 >> 20,6} MiB, cache {cache.Bytes >> 20,6} MiB, {cache.Count} documents held");
}

sealed class Fake : ICharacterFeatures
{
    public string Name => "fake";
    public int Size => 1024;
    public Tensor Compute(IReadOnlyList<Document> documents) => randn(documents.Count, documents.Max(d => d.Length), 1024);
    public void Save(string directory) { }
    public void Dispose() { }
}
