using System.CommandLine;
using System.CommandLine.Parsing;
using ClinicalNer.Data;
using ClinicalNer.Data.Readers;

namespace Cli.Commands;

/// <summary>The exit codes of every command (README, "Exit codes").</summary>
internal static class ExitCode
{
    /// <summary>The command did what was asked.</summary>
    public const int Ok = 0;
    /// <summary>The run itself failed (training diverged, an engine error, a write that failed).</summary>
    public const int Failed = 1;
    /// <summary>A usage or input error: unknown or invalid options, malformed or missing files.</summary>
    public const int Usage = 2;
}

/// <summary>Typed options with their checks, so each command states only what it takes and which defaults apply.</summary>
internal static class Options
{
    public static Option<int> Int(string name, string description, int defaultValue, int min = 1)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            if (TryValue(r, out int v) && v < min) r.AddError($"{name} must be at least {min} (got {v})");
        });
        return option;
    }

    public static Option<double> Double(string name, string description, double defaultValue, double min, double max = double.PositiveInfinity, bool minExclusive = false)
    {
        var option = new Option<double>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            if (TryValue(r, out double v)) CheckRange(r, name, v, min, max, minExclusive);
        });
        return option;
    }

    /// <summary>A number without a default (the model family's config record supplies it).</summary>
    public static Option<double?> OptionalDouble(string name, string description, double min, double max)
    {
        var option = new Option<double?>(name) { Description = description };
        option.Validators.Add(r =>
        {
            if (TryValue(r, out double? value) && value is { } v) CheckRange(r, name, v, min, max, false);
        });
        return option;
    }

    public static Option<string> Text(string name, string description, string? defaultValue = null, bool required = false)
    {
        var option = new Option<string>(name) { Description = description, Required = required };
        if (defaultValue is not null) option.DefaultValueFactory = _ => defaultValue;
        return option;
    }

    /// <summary>
    /// --device: where models run ("auto": CUDA when this libtorch has it and sees a GPU, else the CPU), checked at parse time
    /// so that asking for a GPU this build or machine lacks is a usage error naming what is missing.
    /// </summary>
    public static Option<string> Device()
    {
        var option = new Option<string>("--device") { Description = "cpu, cuda, cuda:N or auto (CUDA when available)", DefaultValueFactory = _ => "auto" };
        option.Validators.Add(r =>
        {
            try { ClinicalNer.Models.Devices.Resolve(r.GetValueOrDefault<string>()); }
            catch (ArgumentException e) { r.AddError("--device: " + e.Message.Split(" (Parameter")[0]); }
        });
        return option;
    }

    /// <summary>The device <see cref="Device"/> names.</summary>
    public static TorchBinding.torch.Device DeviceOf(ParseResult r, Option<string> option) => ClinicalNer.Models.Devices.Resolve(r.GetValue(option));

    /// <summary>An existing file or folder.</summary>
    public static Option<string> ExistingPath(string name, string description, bool required = false)
    {
        var option = new Option<string>(name) { Description = description, Required = required };
        option.Validators.Add(r => CheckExists(r, name, r.GetValueOrDefault<string>()));
        return option;
    }

    /// <summary>Existing files or folders, the option repeated.</summary>
    public static Option<string[]> ExistingPaths(string name, string description, bool required = false)
    {
        var option = new Option<string[]>(name) { Description = description, Required = required, AllowMultipleArgumentsPerToken = false };
        option.Validators.Add(r =>
        {
            foreach (string p in r.GetValueOrDefault<string[]>() ?? []) CheckExists(r, name, p);
        });
        return option;
    }

    /// <summary>A folder to write into: created if missing, refused if a file is there.</summary>
    public static Option<string> OutputFolder(string name, string description, bool required = true)
    {
        var option = new Option<string>(name) { Description = description, Required = required };
        option.Validators.Add(r =>
        {
            string? p = r.GetValueOrDefault<string>();
            if (p is not null && File.Exists(p)) r.AddError($"{name} {p}: a file is there; give a folder (it is created if missing)");
        });
        return option;
    }

    /// <summary>A file to write: refused if a folder is there or its folder cannot be made.</summary>
    public static Option<string> OutputFile(string name, string description)
    {
        var option = new Option<string>(name) { Description = description, Required = true };
        option.Validators.Add(r =>
        {
            string? p = r.GetValueOrDefault<string>();
            if (p is not null && Directory.Exists(p)) r.AddError($"{name} {p}: a folder is there; give a file name");
        });
        return option;
    }

    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    /// <summary>One of a fixed set of words.</summary>
    public static Option<string> Choice(string name, string description, string defaultValue, params string[] choices)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.AcceptOnlyFromAmong(choices);
        return option;
    }

    // The option's value; false when its text did not convert (the parser reports that error itself).
    private static bool TryValue<T>(OptionResult r, out T value)
    {
        try
        {
            value = r.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }

    private static void CheckRange(OptionResult r, string name, double v, double min, double max, bool minExclusive)
    {
        if (double.IsNaN(v) || (minExclusive ? v <= min : v < min) || v > max)
            r.AddError($"{name} must be {(minExclusive ? "above" : "at least")} {min}{(double.IsPositiveInfinity(max) ? "" : $" and at most {max}")} (got {v})");
    }

    private static void CheckExists(OptionResult r, string name, string? path)
    {
        if (path is not null && !File.Exists(path) && !Directory.Exists(path)) r.AddError($"{name} {path}: no such file or folder");
    }
}

/// <summary>
/// How every command that reads a corpus reads it: <c>--format</c>, <c>--policy</c>, and the JSON-lines field names and end
/// convention, so a CMeEE- or Yidu-style file is read as it is.
/// </summary>
internal sealed class CorpusOptions
{
    private static readonly JsonLinesFormat JsonDefaults = new();

    private static readonly Dictionary<string, CorpusFormat> Formats = new()
    {
        ["auto"] = CorpusFormat.Auto, ["conll"] = CorpusFormat.Conll, ["kbert"] = CorpusFormat.KbertTsv,
        ["ccks"] = CorpusFormat.Ccks2017Original, ["ccks-test"] = CorpusFormat.Ccks2017TestGold, ["jsonl"] = CorpusFormat.JsonLines, ["json"] = CorpusFormat.JsonLines,
    };

    private readonly Option<string> format = Options.Choice("--format", "corpus format (auto: from the file name and first line)", "auto", [.. Formats.Keys]);
    private readonly Option<string> policy = Options.Choice("--policy", "inconsistent tags: repair (as conlleval reads them), drop, or strict (stop at the first)",
        "repair", "repair", "drop", "strict");
    private readonly Option<string> textField = Options.Text("--text-field", "JSON lines: the text field", JsonDefaults.TextField);
    private readonly Option<string> entitiesField = Options.Text("--entities-field", "JSON lines: the entity list field", JsonDefaults.EntitiesField);
    private readonly Option<string> startField = Options.Text("--start-field", "JSON lines: an entity's start offset field", JsonDefaults.StartField);
    private readonly Option<string> endField = Options.Text("--end-field", "JSON lines: an entity's end offset field", JsonDefaults.EndField);
    private readonly Option<string> typeField = Options.Text("--type-field", "JSON lines: an entity's type field", JsonDefaults.TypeField);
    private readonly Option<bool> endInclusive = Options.Flag("--end-inclusive", "JSON lines: the end offset points at the last character (default: one past it)");

    public void AddTo(Command command)
    {
        foreach (Option o in new Option[] { format, policy, textField, entitiesField, startField, endField, typeField, endInclusive }) command.Options.Add(o);
    }

    public CorpusReadOptions Read(ParseResult result) => new(
        Formats[result.GetValue(format)!],
        result.GetValue(policy) switch { "strict" => RepairPolicy.Strict, "drop" => RepairPolicy.Drop, _ => RepairPolicy.Repair },
        new JsonLinesFormat(result.GetValue(textField)!, result.GetValue(entitiesField)!, result.GetValue(startField)!, result.GetValue(endField)!,
            result.GetValue(typeField)!, result.GetValue(endInclusive)));

    /// <summary>Warns about each corpus whose annotations were repaired or dropped (the first issue shown).</summary>
    public static void ReportIssues(IEnumerable<Corpus> corpora)
    {
        foreach (var c in corpora.Where(c => c.Issues.Count > 0))
            Console.Error.WriteLine($"warning: {c.Name}: {c.Issues.Count} annotation issue(s) handled, first: {c.Issues[0]}");
    }
}
