using System.CommandLine;
using System.Globalization;
using ClinicalNer.Data;
using ClinicalNer.Data.Readers;

namespace Cli.Commands;

/// <summary><c>lab data stats PATH [--format F] [--policy strict|repair|drop] [JSON-lines fields]</c>: the statistics table of any supported corpus.</summary>
internal static class DataCommand
{
    private static readonly string[] LeadColumns = ["split", "docs", "chars"];
    private static readonly string[] TailColumns = ["entities", "nested", "issues"];

    public static Command Build()
    {
        var path = new Argument<string>("path") { Description = "a corpus file, or a folder of splits (CoNLL, K-BERT TSV, CCKS2017, JSON lines)" };
        path.Validators.Add(r =>
        {
            string? p = r.GetValueOrDefault<string>();
            if (p is not null && !File.Exists(p) && !Directory.Exists(p)) r.AddError($"{p}: no such file or folder");
        });
        var corpus = new CorpusOptions();
        var stats = new Command("stats", "documents, characters, entities per type, nested entities and annotation issues, one row per split") { path };
        corpus.AddTo(stats);
        stats.SetAction(r => Stats(r.GetValue(path)!, corpus.Read(r)));
        return new Command("data", "corpus statistics") { stats };
    }

    private static int Stats(string path, CorpusReadOptions read)
    {
        var corpora = CorpusLoader.Load(path, read);
        var stats = corpora.Select(CorpusStatistics.Of).ToList();
        var types = stats.SelectMany(s => s.EntitiesByType.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var header = LeadColumns.Concat(types).Concat(TailColumns).ToList();
        var rows = stats.Select(s => new[] { s.Name, N(s.Documents), N(s.Characters) }
            .Concat(types.Select(t => N(s.EntitiesByType.GetValueOrDefault(t))))
            .Concat([N(s.Entities), N(s.Nested), N(s.Issues)]).ToList()).ToList();
        if (stats.Count > 1)
            rows.Add(new[] { "total", N(stats.Sum(s => s.Documents)), N(stats.Sum(s => s.Characters)) }
                .Concat(types.Select(t => N(stats.Sum(s => s.EntitiesByType.GetValueOrDefault(t)))))
                .Concat([N(stats.Sum(s => s.Entities)), N(stats.Sum(s => s.Nested)), N(stats.Sum(s => s.Issues))]).ToList());
        int[] widths = header.Select((h, k) => Math.Max(h.Length, rows.Max(r => r[k].Length))).ToArray();
        Console.WriteLine(string.Join("  ", header.Select((h, k) => k == 0 ? h.PadRight(widths[k]) : h.PadLeft(widths[k]))));
        foreach (var r in rows) Console.WriteLine(string.Join("  ", r.Select((c, k) => k == 0 ? c.PadRight(widths[k]) : c.PadLeft(widths[k]))));
        Console.WriteLine($"policy: {read.Policy.ToString().ToLowerInvariant()} (issues are repaired as conlleval reads them, or dropped with --policy drop)");
        foreach (var issue in corpora.SelectMany(c => c.Issues).Take(5)) Console.Error.WriteLine("issue: " + issue);
        int more = corpora.Sum(c => c.Issues.Count) - 5;
        if (more > 0) Console.Error.WriteLine($"... and {more} more issues");
        return 0;
    }

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
