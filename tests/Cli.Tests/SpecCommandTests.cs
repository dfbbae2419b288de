namespace Cli.Tests;

/// <summary><c>lab train --spec/--set/--print-spec</c>, <c>lab models</c>, and help that fits a terminal.</summary>
public sealed class SpecCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("lab-spec").FullName;
    private static string Sample => Path.Combine(Lab.Root, "data", "sample");

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void A_tener_spec_made_by_print_spec_trains_and_its_checkpoint_keeps_the_spec()
    {
        var made = Lab.Run("train", "--model", "bilstm-crf", "--emb", "16", "--set", "encoders=[{\"type\":\"tener\",\"model\":32,\"heads\":4,\"feedForward\":64}]", "--print-spec");
        Assert.True(made.ExitCode == 0, made.Stderr);
        string spec = Path.Combine(dir, "tener.json");
        File.WriteAllText(spec, made.Stdout);
        Assert.Contains("\"type\": \"tener\"", made.Stdout, StringComparison.Ordinal);

        string run = Path.Combine(dir, "run");
        var trained = Lab.Run("train", "--spec", spec, "--data", Sample, "--out", run, "--epochs", "2", "--batch-size", "64");
        Assert.True(trained.ExitCode == 0, trained.Stderr);
        Assert.StartsWith("TENER-CRF: ", trained.Stdout, StringComparison.Ordinal);
        Assert.Equal(made.Stdout.Trim(), File.ReadAllText(Path.Combine(run, "best", "spec.json")).Trim());
        var eval = Lab.Run("eval", "--checkpoint", Path.Combine(run, "best"), "--data", Sample);
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        Assert.Contains("(TENER-CRF)", eval.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Spec_mistakes_are_usage_errors_that_name_the_field_or_the_parts()
    {
        Lab.UsageError("bilstm, bigru, attention, tener", "train", "--set", "encoders.0.type=lstm", "--print-spec");
        Lab.UsageError("'hiden'", "train", "--set", "encoders.0.hiden=3", "--print-spec");
        Lab.UsageError("--hidden is for the BiLSTM-CRF family", "train", "--model", "bert-crf", "--hidden", "3", "--print-spec");
        Lab.UsageError("--kg is for the kbert-* models", "train", "--model", "bert-crf", "--kg", Path.Combine(Sample, "train.txt"), "--print-spec");
        Lab.UsageError("unknown preset 'bilstm'", "train", "--model", "bilstm", "--print-spec");
        string file = Path.Combine(dir, "bad.json");
        File.WriteAllText(file, "{\"type\": \"tagger\", \"encoders\": [], \"decoder\": {}}");
        Lab.UsageError("bad.json: a part lacks its \"type\"", "train", "--spec", file, "--print-spec");
        Lab.UsageError("--spec FILE or --model NAME, not both", "train", "--spec", file, "--model", "bilstm-crf", "--print-spec");
        Lab.UsageError("--out DIR is required", "train", "--data", Sample);
    }

    [Fact]
    public void Lab_models_lists_every_preset_and_part_and_prints_a_presets_spec()
    {
        var r = Lab.Run("models");
        Assert.True(r.ExitCode == 0, r.Stderr);
        foreach (string name in new[] { "bilstm-crf", "bigru-attention-crf", "kbert-bilstm-crf", "bert-mrc-pointer", "tener", "crf", "biaffine", "bert-span" })
            Assert.Contains(name, r.Stdout, StringComparison.Ordinal);
        var one = Lab.Run("models", "bert-mrc-biaffine");
        Assert.Contains("\"type\": \"biaffine\"", one.Stdout, StringComparison.Ordinal);
        Lab.UsageError("unknown model 'nope'", "models", "nope");
    }

    [Fact]
    public void Every_help_fits_100_columns()
    {
        var commands = new List<string[]> { Array.Empty<string>() };
        foreach (string c in new[] { "info", "data", "train", "eval", "predict", "word2vec", "pretrain", "lm", "bootstrap", "sweep", "models", "run", "demo", "bench", "report" })
            commands.Add([c]);
        commands.Add(["data", "stats"]);
        commands.Add(["bench", "bert"]);
        commands.Add(["bench", "ddp"]);
        foreach (var c in commands)
        {
            var r = Lab.Run([.. c, "--help"]);
            Assert.True(r.ExitCode == 0, $"{string.Join(' ', c)}: {r.Stderr}");
            string widest = r.Stdout.Split('\n').MaxBy(l => l.TrimEnd().Length)!.TrimEnd();
            Assert.True(widest.Length <= 100, $"lab {string.Join(' ', c)} --help has a line of {widest.Length} columns: {widest}");
        }
    }
}
