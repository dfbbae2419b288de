using System.Text.Json;
using ClinicalNer.Data.Readers;

namespace Cli.Tests;

/// <summary>A CBLUE-style corpus (CMeEE: one JSON array per split, inclusive start_idx/end_idx) trains as it is distributed.</summary>
public sealed class CorpusCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("lab-corpus").FullName;
    private static readonly JsonSerializerOptions Chinese = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void Dispose() => Directory.Delete(dir, recursive: true);

    // The bundled sample's split written as CMeEE writes its files.
    private string Cmeee(string split)
    {
        var corpus = ConllReader.Read(Path.Combine(Lab.Root, "data", "sample", split + ".txt"));
        var items = corpus.Documents.Select(d => new Dictionary<string, object>
        {
            ["text"] = d.Text,
            ["entities"] = d.Entities.Select(e => new Dictionary<string, object> { ["start_idx"] = e.Start, ["end_idx"] = e.End - 1, ["type"] = e.Type, ["entity"] = d.Surface(e) }).ToList(),
        });
        string path = Path.Combine(dir, "cmeee", split + ".json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, JsonSerializer.Serialize(items, Chinese));
        return path;
    }

    [Fact]
    public void A_cblue_style_json_array_corpus_trains_with_its_own_field_names()
    {
        string train = Cmeee("train"), dev = Cmeee("dev"), test = Cmeee("test");
        string[] fields = ["--start-field", "start_idx", "--end-field", "end_idx", "--end-inclusive"];
        var stats = Lab.Run(["data", "stats", Path.GetDirectoryName(train)!, .. fields]);
        Assert.True(stats.ExitCode == 0, stats.Stderr);
        Assert.Matches(@"train\.json\s+400\s", stats.Stdout);
        var r = Lab.Run(["train", "--train", train, "--dev", dev, "--test", test, "--format", "json", .. fields, "--out", Path.Combine(dir, "run"),
            "--epochs", "1", "--emb", "8", "--hidden", "8", "--batch-size", "64"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        foreach (string type in new[] { "BODY", "CHECK", "DISEASE", "SIGNS", "TREATMENT" }) Assert.Contains(type, r.Stdout, StringComparison.Ordinal);
        // The file's spans, read with those options, are the sample's own (an exclusive end would cut each by a character).
        var read = JsonLinesReader.Read(train, new JsonLinesFormat(StartField: "start_idx", EndField: "end_idx", EndInclusive: true));
        var sample = ConllReader.Read(Path.Combine(Lab.Root, "data", "sample", "train.txt"));
        Assert.Equal(sample.Documents.SelectMany(d => d.Entities), read.Documents.SelectMany(d => d.Entities));
    }
}
