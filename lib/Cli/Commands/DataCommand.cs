using System.Globalization;
using ClinicalNer.Data;

namespace Cli.Commands;

/// <summary><c>lab data stats PATH [--format F] [--policy strict|repair|drop]</c>: the statistics table of any supported corpus.</summary>
internal static class DataCommand
{
    private static readonly string[] LeadColumns = ["split", "docs", "chars"];
    private static readonly string[] TailColumns = ["entities", "nested", "issues"];

    public static int Run(string[] args)
    {
        if (args.Length < 2 || args[0] != "stats")
            throw new ArgumentException("usage: lab data stats PATH [--format auto|conll|kbert|ccks|ccks-test|jsonl] [--policy strict|repair|drop]");
        string path = args[1];
        var format = CliOptions.Get(args, "--format") switch
        {
            null or "auto" => CorpusFormat.Auto,
            "conll" => CorpusFormat.Conll,
            "kbert" => CorpusFormat.KbertTsv,
            "ccks" => CorpusFormat.Ccks2017Original,
            "ccks-test" => CorpusFormat.Ccks2017TestGold,
            "jsonl" => CorpusFormat.JsonLines,
            var f => throw new ArgumentException($"unknown format '{f}'"),
        };
        var policy = CliOptions.Get(args, "--policy") switch
        {
            null or "repair" => RepairPolicy.Repair,
            "strict" => RepairPolicy.Strict,
            "drop" => RepairPolicy.Drop,
            var p => throw new ArgumentException($"unknown policy '{p}' (strict, repair or drop)"),
        };
        var corpora = CorpusLoader.Load(path, format, policy);
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
        Console.WriteLine($"policy: {policy.ToString().ToLowerInvariant()} (issues are repaired as conlleval reads them, or dropped with --policy drop)");
        foreach (var issue in corpora.SelectMany(c => c.Issues).Take(5)) Console.Error.WriteLine("issue: " + issue);
        int more = corpora.Sum(c => c.Issues.Count) - 5;
        if (more > 0) Console.Error.WriteLine($"... and {more} more issues");
        return 0;
    }

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

}
