using System.Text;

namespace Cli.Tests;

/// <summary>A tiny checkpoint trained once by <c>lab train</c> on the bundled sample, copied by tests that break it.</summary>
public sealed class TrainedCheckpoint : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("lab-checkpoint").FullName;

    public TrainedCheckpoint()
    {
        var r = Lab.Run("train", "--data", Path.Combine(Lab.Root, "data", "sample"), "--out", Folder, "--epochs", "2", "--emb", "8", "--hidden", "8", "--batch-size", "64");
        Assert.True(r.ExitCode == 0, r.Stderr);
    }

    /// <summary>A copy of best/ (or of the whole run with <paramref name="whole"/>) to break.</summary>
    public string Copy(string into, bool whole = false)
    {
        string source = whole ? Folder : Path.Combine(Folder, "best");
        foreach (string f in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(into, Path.GetRelativePath(source, f));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(f, target);
        }
        return into;
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

/// <summary>
/// Malformed corpora, checkpoints, state files, notebooks and arguments: each gives exit code 2 and one message naming
/// the input, never an exception type or a stack trace.
/// </summary>
public sealed class BadInputTests(TrainedCheckpoint trained) : IClassFixture<TrainedCheckpoint>, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("lab-bad-input").FullName;
    private static string Sample => Path.Combine(Lab.Root, "data", "sample");

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Write(string name, string text, Encoding? encoding = null)
    {
        string path = Path.Combine(dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text, encoding ?? new UTF8Encoding(false));
        return path;
    }

    private string WriteBytes(string name, byte[] bytes)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    // ---- arguments ----

    [Theory]
    [InlineData("--lr", "--lr", "abc")]
    [InlineData("--batch-size", "--batch-size", "0")]
    [InlineData("--epochs", "--epochs", "-1")]
    [InlineData("--dropout", "--dropout", "1.5")]
    [InlineData("'--text-fieldz'", "--text-fieldz", "x")]
    [InlineData("bilstm-crf", "--model", "nope")]
    [InlineData("TYPE=FILE", "--dictionary", "BODY")]
    [InlineData("--average", "--average", "1")]
    [InlineData("--max-steps", "--max-steps", "-1")]
    [InlineData("expected cpu, cuda, cuda:N or meta", "--device", "tpu")]
    public void Bad_values_and_unknown_options_name_the_option(string mustName, string option, string value)
    {
        Lab.UsageError(mustName, "train", "--data", Sample, "--out", Path.Combine(dir, "out"), option, value);
    }

    [Fact]
    public void Missing_options_commands_and_values_are_usage_errors()
    {
        Lab.UsageError("--checkpoint", "eval", "--data", Sample);
        Lab.UsageError("'frob'", "frob");
        Lab.UsageError("--out", "train", "--data", Sample, "--out");
        Lab.UsageError("--train FILE and --dev FILE", "train", "--out", Path.Combine(dir, "o"));
        Lab.UsageError("not both", "train", "--data", Sample, "--train", Path.Combine(Sample, "train.txt"), "--out", Path.Combine(dir, "o"));
        Lab.UsageError("no such file or folder", "data", "stats", Path.Combine(dir, "missing.txt"));
        // lab pretrain --weight: the form, the number, and a path that is one of the inputs.
        string text = Path.Combine(Sample, "train.txt");
        string[] Pretrain(string weight) => ["pretrain", "--input", text, "--vocab", text, "--out", Path.Combine(dir, "pt"), "--weight", weight];
        Lab.UsageError("PATH=N", Pretrain(text));
        Lab.UsageError("whole N ≥ 1", Pretrain(text + "=0"));
        Lab.UsageError("is not one of the --input paths", Pretrain(Path.Combine(Sample, "dev.txt") + "=2"));
    }

    [Fact]
    public void An_output_folder_that_is_a_file_is_refused_before_anything_runs()
    {
        string file = Write("taken", "x");
        Lab.UsageError($"--out {file}: a file is there", "train", "--data", Sample, "--out", file);
        Assert.Equal("x", File.ReadAllText(file));
        Lab.UsageError("a folder is there", "word2vec", "--input", Path.Combine(Sample, "train.txt"), "--out", dir);
    }

    [Fact]
    public void Every_command_documents_its_options()
    {
        foreach (string[] command in new[] { new[] { "train" }, ["eval"], ["predict"], ["data", "stats"], ["word2vec"], ["pretrain"], ["run"], ["demo"], ["info"], ["bench", "ops"], ["bench", "overhead"], ["bench", "all"], ["bench", "blas"] })
        {
            var r = Lab.Run([.. command, "--help"]);
            Assert.True(r.ExitCode == 0, string.Join(' ', command) + ": " + r.Stderr);
            Assert.Contains("Usage:", r.Stdout, StringComparison.Ordinal);
        }
        string train = Lab.Run("train", "--help").Stdout;
        foreach (string option in new[] { "--epochs", "--batch-size", "--lr", "--dropout", "--format", "--text-field", "--end-inclusive", "--pretrained-chars", "--bert" })
            Assert.Contains(option, train, StringComparison.Ordinal);
        Assert.Matches(@"--epochs <epochs>\s+epochs \[default: 30\]", train); // TrainerOptions' default
    }

    [Fact]
    public void Bench_all_needs_a_file_to_write_not_a_folder()
    {
        Lab.UsageError("--out", "bench", "all");
        Lab.UsageError("a folder is there", "bench", "all", "--out", Path.GetTempPath());
    }

    [Fact]
    public void Bench_bert_takes_no_paired_rounds_or_enough_for_an_interval()
    {
        Lab.UsageError("--pairs must be 0 or at least 6 (got 3)", "bench", "bert", "--pairs", "3");
        Lab.UsageError("--pairs must be at least 0 (got -1)", "bench", "bert", "--pairs", "-1");
    }

    [Fact]
    public void Bench_overhead_prints_the_pieces_the_machine_and_the_ratio_against_pytorch()
    {
        var r = Lab.Run("bench", "overhead");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var line = System.Text.Json.JsonDocument.Parse(r.Stdout);
        var root = line.RootElement;
        Assert.Equal("overhead", root.GetProperty("bench").GetString());
        foreach (string about in new[] { "cpu", "isa", "packed_gemm", "short_paths", "blas", "libtorch" })
            Assert.False(string.IsNullOrEmpty(root.GetProperty("machine").GetProperty(about).ToString()), $"machine.{about} is empty");
        foreach (string pieces in new[] { "pieces_ns", "aten_path_pieces_ns" })
        {
            var names = root.GetProperty(pieces).EnumerateObject().Select(p => p.Name).ToList();
            Assert.Contains("managed result", names);
            Assert.Equal(["other", "total"], names.TakeLast(2));
        }
        Assert.True(root.GetProperty("pytorch_add_4x4_ns").GetDouble() > 0);
        Assert.True(root.GetProperty("ratio").GetDouble() > 0);
    }

    [Fact]
    public void Bench_blas_saves_its_choice_for_this_cpu_once_and_the_binding_applies_it()
    {
        string cacheHome = Path.Combine(Path.GetTempPath(), "cner-blas-" + Guid.NewGuid().ToString("N"));
        try
        {
            // The machine may set OPENBLAS_CORETYPE (or CNER_BLAS_CORETYPE): cleared in the child, so the measured choice applies.
            var env = new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = cacheHome, ["OPENBLAS_CORETYPE"] = null, ["CNER_BLAS_CORETYPE"] = null };
            var r = Lab.Run(env, "bench", "blas", "--save");
            Assert.True(r.ExitCode == 0, r.Stderr);
            using var line = System.Text.Json.JsonDocument.Parse(r.Stdout);
            string choice = line.RootElement.GetProperty("choice").GetString()!;
            Assert.True(line.RootElement.GetProperty("openblas_choice").GetProperty("gflops").GetDouble() > 0);
            string cache = Path.Combine(cacheHome, "clinical-ner", "openblas-coretype.tsv");
            string[] fields = File.ReadAllLines(cache).Single().Split('\t');
            Assert.Equal(line.RootElement.GetProperty("cpu").GetString(), fields[0]);
            Assert.Equal(choice, fields[1]);

            var again = Lab.Run(env, "bench", "blas", "--save", "--if-missing");    // already measured: nothing to do
            Assert.True(again.ExitCode == 0 && again.Stdout.Length == 0, again.Stdout + again.Stderr);

            using var info = System.Text.Json.JsonDocument.Parse(Lab.Run(env, "info").Stdout);
            string source = info.RootElement.GetProperty("blas_coretype_source").GetString()!;
            if (choice == "auto") Assert.Equal("openblas", source);
            else
            {
                Assert.Equal("measured", source);
                Assert.Equal(choice, info.RootElement.GetProperty("blas_coretype").GetString());
            }
            string own = line.RootElement.GetProperty("openblas_choice").GetProperty("coretype").GetString()!;   // runnable here by definition
            using var user = System.Text.Json.JsonDocument.Parse(Lab.Run(new Dictionary<string, string?>(env) { ["OPENBLAS_CORETYPE"] = own }, "info").Stdout);
            Assert.Equal("environment", user.RootElement.GetProperty("blas_coretype_source").GetString());   // the user's setting wins
        }
        finally
        {
            if (Directory.Exists(cacheHome)) Directory.Delete(cacheHome, recursive: true);
        }
    }

    // ---- corpora ----

    [Theory]
    [InlineData("{\"text\": \"头痛\", \"entities\": {\"start\": 0}}", "'entities' is an object")]
    [InlineData("{\"text\": \"头痛\", \"entities\": [{\"start\": \"0\", \"end\": 1, \"type\": \"BODY\"}]}", "'start' is a string (\"0\"), expected an integer offset")]
    [InlineData("{\"text\": 42, \"entities\": []}", "'text' is a number (42), expected a string")]
    [InlineData("[1, 2]", "the line is a list")]
    [InlineData("{\"text\": \"头痛\"}", "missing field 'entities'")]
    [InlineData("{\"text\": \"头痛\", \"entities\": [5]}", "the entity is a number")]
    public void Json_lines_of_the_wrong_kind_name_file_line_and_field(string line, string expected)
    {
        string path = Write("bad.jsonl", "{\"text\": \"好\", \"entities\": []}\n" + line + "\n");
        Lab.UsageError($"bad.jsonl:2", "data", "stats", path);
        Lab.UsageError(expected, "data", "stats", path);
    }

    [Fact]
    public void Errors_on_huge_lines_quote_at_most_80_characters()
    {
        string huge = new('x', 2_000_000);
        foreach (string path in new[] { Write("huge.jsonl", "{\"text\": \"" + huge + "\n"), Write("huge.txt", "头 O\n" + huge + "\n") })
        {
            var r = Lab.UsageError(Path.GetFileName(path) + ":", "data", "stats", path);
            Assert.True(r.Stderr.Length < 600, $"{r.Stderr.Length} characters on stderr");
            Assert.Matches(@"\(2,000,0\d\d characters\)", r.Stderr);
        }
    }

    [Fact]
    public void Inconsistent_tags_under_strict_policy_name_the_line()
    {
        string path = Write("orphan.txt", "头 B-BODY\n痛 O\n发 I-SIGNS\n热 I-SIGNS\n");
        Lab.UsageError("orphan.txt:3", "data", "stats", path, "--policy", "strict");
        Assert.Equal(0, Lab.Run("data", "stats", path).ExitCode);   // repaired by default
    }

    [Fact]
    public void Bytes_in_no_supported_encoding_are_refused_and_latin1_read_as_gb18030_is_flagged()
    {
        string bad = WriteBytes("bad.txt", [0xE5, 0xA4, 0xB4, 0x20, 0x4F, 0x0A, 0xFF, 0xFE, 0xFF, 0x20, 0x4F, 0x0A]);
        Lab.UsageError("neither UTF-8 nor GB18030", "data", "stats", bad);
        // "Ãa O", "Ãb O", ...: Latin-1 bytes that GB18030 happens to decode, into rare characters.
        string latin1 = Write("latin1.txt", string.Concat(Enumerable.Range(0, 20).Select(i => $"Ã{(char)('a' + i)} O\n")), Encoding.Latin1);
        var r = Lab.Run("data", "stats", latin1);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("warning: ", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("latin1.txt: decoded as GB18030", r.Stderr, StringComparison.Ordinal);
        var gb = Lab.Run("data", "stats", Write("gb.txt", "头 B-BODY\n痛 O\n，O\n", TextEncodings.Gb18030));
        Assert.DoesNotContain("warning", gb.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_json_lines_set_with_other_field_names_is_read_as_it_is()
    {
        // CMeEE-style: start_idx/end_idx with an inclusive end, "ents".
        string path = Write("cmeee.json", "{\"text\": \"患者头痛三天\", \"ents\": [{\"start_idx\": 2, \"end_idx\": 3, \"label\": \"SIGNS\"}]}\n");
        var r = Lab.Run("data", "stats", path, "--entities-field", "ents", "--start-field", "start_idx", "--end-field", "end_idx", "--type-field", "label", "--end-inclusive");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Matches(@"cmeee\.json\s+1\s+6\s+1\s+1\s+0\s+0", r.Stdout);
        Lab.UsageError("missing field 'entities'", "data", "stats", path, "--format", "jsonl");
    }

    [Fact]
    public void Gb18030_crlf_bom_and_mixed_separators_give_the_statistics_of_the_utf8_original()
    {
        string original = File.ReadAllText(Path.Combine(Sample, "dev.txt"));
        var variants = new Dictionary<string, string>
        {
            ["utf8.txt"] = Write("utf8.txt", original),
            ["gb18030.txt"] = Write("gb18030.txt", original, TextEncodings.Gb18030),
            ["crlf.txt"] = Write("crlf.txt", original.Replace("\n", "\r\n", StringComparison.Ordinal)),
            ["bom.txt"] = Write("bom.txt", original, new UTF8Encoding(true)),
            ["tabs.txt"] = Write("tabs.txt", string.Join('\n', original.Split('\n').Select((l, i) => i % 2 == 0 ? l.Replace(' ', '\t') : l))),
        };
        string Numbers(string file)
        {
            var r = Lab.Run("data", "stats", variants[file]);
            Assert.True(r.ExitCode == 0, file + ": " + r.Stderr);
            return string.Join(' ', r.Stdout.Split('\n')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1));
        }
        string expected = Numbers("utf8.txt");
        Assert.Matches(@"^\d", expected);
        foreach (string file in variants.Keys.Skip(1)) Assert.Equal(expected, Numbers(file));
    }

    // ---- checkpoints and state files ----

    [Fact]
    public void An_empty_tagger_config_is_named_with_what_is_missing()
    {
        string ckpt = trained.Copy(Path.Combine(dir, "empty-config"));
        File.WriteAllText(Path.Combine(ckpt, "tagger.json"), "{}");
        Lab.UsageError("tagger.json: CharVocabularySize is 0", "eval", "--checkpoint", ckpt, "--data", Sample);
    }

    [Fact]
    public void Missing_weights_are_named()
    {
        string ckpt = trained.Copy(Path.Combine(dir, "no-weights"));
        File.Delete(Path.Combine(ckpt, "model.safetensors"));
        Lab.UsageError("lacks model.safetensors", "predict", "--checkpoint", ckpt, "--text", "头痛");
        Lab.UsageError("is a file", "predict", "--checkpoint", Path.Combine(ckpt, "tagger.json"), "--text", "头痛");
    }

    [Theory]
    [InlineData("{\"__metadata__\": [1, 2]}", "__metadata__ is a array, expected an object")]
    [InlineData("{\"w\": {\"dtype\": 7, \"shape\": [1], \"data_offsets\": [0, 4]}}", "unsupported dtype 7")]
    [InlineData("{\"w\": {\"dtype\": \"F32\", \"shape\": [\"1\"], \"data_offsets\": [0, 4]}}", "shape [\"1\"], expected a list of integers")]
    public void Safetensors_headers_of_the_wrong_kind_are_named(string header, string expected)
    {
        string ckpt = trained.Copy(Path.Combine(dir, "bad-header"));
        byte[] json = Encoding.UTF8.GetBytes(header);
        File.WriteAllBytes(Path.Combine(ckpt, "model.safetensors"), [.. BitConverter.GetBytes((long)json.Length), .. json, 0, 0, 0, 0]);
        var r = Lab.UsageError("model.safetensors: not a valid safetensors file", "predict", "--checkpoint", ckpt, "--text", "头痛");
        Assert.Contains(expected, r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Weights_that_do_not_fit_the_config_are_named()
    {
        string ckpt = trained.Copy(Path.Combine(dir, "shapes"));
        string config = Path.Combine(ckpt, "tagger.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"hidden\": 8", "\"hidden\": 9", StringComparison.Ordinal));   // the BiLSTM part's size
        Lab.UsageError("shape", "predict", "--checkpoint", ckpt, "--text", "头痛");
    }

    [Fact]
    public void A_truncated_trainer_state_on_resume_is_named()
    {
        string run = trained.Copy(Path.Combine(dir, "resume"), whole: true);
        string state = Path.Combine(run, "last", "trainer_state.json");
        File.WriteAllText(state, File.ReadAllText(state)[..20]);
        Lab.UsageError("trainer_state.json is not a readable training state", "train", "--data", Sample, "--out", run, "--resume", "--epochs", "3",
            "--emb", "8", "--hidden", "8");
    }

    [Fact]
    public void A_notebook_whose_cell_source_is_a_number_is_named()
    {
        string nb = Write("bad.ipynb", "{\"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": {}, \"cells\": [{\"cell_type\": \"code\", \"id\": \"c1\", \"metadata\": {}, \"source\": 42, \"outputs\": [], \"execution_count\": null}]}");
        Lab.UsageError("cell 1 [c1]: 'source' is a number", "run", nb, "-o", Path.Combine(dir, "out.ipynb"));
        Lab.UsageError("does not appear to be JSON", "run", Write("trunc.ipynb", "{\"cells\": ["), "-o", Path.Combine(dir, "out2.ipynb"));
    }
}

internal static class TextEncodings
{
    public static Encoding Gb18030 { get; } = ClinicalNer.Data.Readers.TextDecoding.Gb18030;
}

/// <summary>A training run killed at an arbitrary moment leaves checkpoints that load.</summary>
public sealed class KilledRunTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("lab-killed").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Killing_lab_train_while_it_writes_checkpoints_leaves_best_loadable()
    {
        string sample = Path.Combine(Lab.Root, "data", "sample");
        // Tiny epochs write best/ and last/ many times a second; kill at some point after the first ones exist.
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { Lab.DllPath, "train", "--data", sample, "--out", dir, "--epochs", "200", "--emb", "8", "--hidden", "8", "--batch-size", "128", "--patience", "0" })
            psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!Directory.Exists(Path.Combine(dir, "last")) && clock.Elapsed < TimeSpan.FromSeconds(120)) Thread.Sleep(20);
        Thread.Sleep(700);
        p.Kill(entireProcessTree: true);
        p.WaitForExit();
        var eval = Lab.Run("eval", "--checkpoint", Path.Combine(dir, "best"), "--data", sample);
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        Assert.Contains("strict (exact span and type)", eval.Stdout, StringComparison.Ordinal);
        var resume = Lab.Run("train", "--data", sample, "--out", dir, "--epochs", "1", "--emb", "8", "--hidden", "8", "--resume");
        Assert.True(resume.ExitCode == 0, resume.Stderr);
    }
}

/// <summary><c>lab sweep</c>: every configuration and seed once, finished runs skipped when restarted, mean ± sd written.</summary>
public sealed class SweepTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("lab-sweep").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static int Count(string stdout, string text) => stdout.Split('\n').Count(l => l.Contains(text, StringComparison.Ordinal));

    private static string[] Replace(string[] args, int index, string value)
    {
        var copy = (string[])args.Clone();
        copy[index] = value;
        return copy;
    }

    [Fact]
    public void A_sweep_runs_each_configuration_and_seed_once_and_a_restart_reuses_them_but_not_for_other_options()
    {
        string sample = Path.Combine(Lab.Root, "data", "sample");
        string[] args = ["sweep", "--name", "tiny", "--out", dir, "--seeds", "1,2", "--vary", "hidden=4,8", "--data", sample, "--epochs", "1", "--emb", "4", "--batch-size", "128"];
        var first = Lab.Run(args);
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Equal(4, Count(first.Stdout, "recorded in"));
        Assert.Equal(0, Count(first.Stdout, "reused, nothing trained"));
        Assert.Matches(@"hidden=4\s+2\s", first.Stdout);
        foreach (string f in new[] { "summary.csv", "summary.md", "per-type.csv", "sweep.html" }) Assert.True(File.Exists(Path.Combine(dir, f)), f);
        string summary = File.ReadAllText(Path.Combine(dir, "summary.csv"));
        // Each run's test score by position only (type ignored) is recorded beside the strict one.
        var csv = summary.ReplaceLineEndings("\n").Trim().Split('\n');
        int position = Array.IndexOf(csv[0].Split(','), "PositionF1");
        Assert.True(position >= 0, csv[0]);
        Assert.All(csv.Skip(1), row => Assert.True(double.TryParse(row.Split(',')[position], System.Globalization.CultureInfo.InvariantCulture, out double f) && double.IsFinite(f), row));
        var again = Lab.Run(args);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal(4, Count(again.Stdout, "reused, nothing trained"));
        Assert.Equal(0, Count(again.Stdout, "recorded in"));
        Assert.Equal(summary, File.ReadAllText(Path.Combine(dir, "summary.csv")));   // the same runs, the same statistics

        // The same name with only --epochs changed: other keys, so four more runs train, and their checkpoints do not
        // replace the first sweep's.
        var longer = Lab.Run(Replace(args, Array.IndexOf(args, "--epochs") + 1, "2"));
        Assert.True(longer.ExitCode == 0, longer.Stderr);
        Assert.Equal(4, Count(longer.Stdout, "recorded in"));
        using (var store = new ClinicalNer.Runs.RunStore(Path.Combine(dir, "runs.db")))
        {
            var finished = store.Runs("tiny/").Where(r => r.IsFinished).ToList();
            Assert.Equal(8, finished.Count);
            Assert.Equal(8, finished.Select(r => r.Key).Distinct().Count());
            Assert.Equal(8, finished.Select(r => r.Checkpoint).Distinct().Count());
            Assert.All(finished, r => Assert.Equal(r.Key, File.ReadAllText(Path.Combine(Path.GetDirectoryName(r.Checkpoint!)!, ClinicalNer.Runs.TrackedRun.KeyFile)).Trim()));
        }
        Lab.UsageError("OPTION=V1,V2", "sweep", "--name", "x", "--out", Path.Combine(dir, "bad"), "--vary", "hidden", "--data", sample);
        Lab.UsageError("'hiddenz'", "sweep", "--name", "x", "--out", Path.Combine(dir, "bad2"), "--vary", "hiddenz=4", "--data", sample, "--epochs", "1");
        Lab.UsageError("--epochs is varied by --vary and also given", "sweep", "--name", "x", "--out", Path.Combine(dir, "bad3"), "--vary", "epochs=1,2", "--data", sample, "--epochs", "1");
    }

    [Fact]
    public void A_sweep_varies_spec_fields_and_trainer_options_directly()
    {
        string sample = Path.Combine(Lab.Root, "data", "sample");
        var r = Lab.Run("sweep", "--name", "direct", "--out", dir, "--seeds", "1", "--vary", "encoders.0.hidden=4,6", "--vary", "epochs=1,2", "--data", sample,
            "--emb", "4", "--batch-size", "128");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(4, Count(r.Stdout, "recorded in"));
        using var store = new ClinicalNer.Runs.RunStore(Path.Combine(dir, "runs.db"));
        var runs = store.Runs("direct/").Where(x => x.IsFinished).ToList();
        Assert.Equal(4, runs.Count);
        foreach (var run in runs)
        {
            string config = run.Name.Split('/')[1];   // encoders.0.hidden=H,epochs=E
            var parts = config.Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
            Assert.Contains($"\"hidden\": {parts["encoders.0.hidden"]}", run.ParametersJson, StringComparison.Ordinal);
            Assert.Equal(int.Parse(parts["epochs"], System.Globalization.CultureInfo.InvariantCulture), store.Curve(run.Id).Count);
        }
        Lab.UsageError("'hiden'", "sweep", "--name", "bad", "--out", Path.Combine(dir, "bad"), "--vary", "encoders.0.hiden=3", "--data", sample);
    }
}

/// <summary><c>lab train --model kbert-*</c>: a K-BERT tagger trains with its graph, predicts from its checkpoint, and asks for --kg.</summary>
public sealed class KnowledgeBertCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("lab-kbert").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void A_k_bert_tagger_trains_with_its_graph_and_predicts_from_its_checkpoint()
    {
        string sample = Path.Combine(Lab.Root, "data", "sample");
        // A vocabulary of the sample's characters (and the objects'), and a graph whose objects name types, as Medical.spo's do.
        var chars = File.ReadLines(Path.Combine(sample, "train.txt")).Select(l => l.Split(' ')[0]).Where(c => c.Length > 0);
        string vocab = Path.Combine(dir, "vocab.txt");
        File.WriteAllLines(vocab, new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }.Concat(chars).Concat("症状部位疾病".Select(c => c.ToString())).Distinct());
        string kg = Path.Combine(dir, "kg.spo");
        File.WriteAllLines(kg, ["头痛\t类别\t症状", "发热\t类别\t症状", "腹部\t类别\t部位"]);
        string output = Path.Combine(dir, "run");
        var r = Lab.Run("train", "--data", sample, "--model", "kbert-crf", "--kg", kg, "--bert-size", "tiny", "--vocab", vocab, "--epochs", "1",
            "--batch-size", "64", "--max-length", "60", "--out", output);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("knowledge graph: 3 triples", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("K-BERT-CRF", r.Stdout, StringComparison.Ordinal);
        var predicted = Lab.Run("predict", "--checkpoint", Path.Combine(output, "best"), "--text", "患者头痛发热三天");
        Assert.True(predicted.ExitCode == 0, predicted.Stderr);

        // Paper 5's span model trains and predicts from the command line too, with MRC queries.
        string spanOut = Path.Combine(dir, "span");
        var span = Lab.Run("train", "--data", sample, "--model", "bert-mrc-biaffine", "--bert-size", "tiny", "--vocab", vocab, "--epochs", "1",
            "--batch-size", "64", "--max-length", "60", "--out", spanOut);
        Assert.True(span.ExitCode == 0, span.Stderr);
        Assert.Contains("BERT-MRC-Biaffine (question apart): types BODY, CHECK, DISEASE, SIGNS, TREATMENT", span.Stdout, StringComparison.Ordinal);
        var spanPredicted = Lab.Run("predict", "--checkpoint", Path.Combine(spanOut, "best"), "--text", "患者头痛发热三天");
        Assert.True(spanPredicted.ExitCode == 0, spanPredicted.Stderr);

        Lab.UsageError("give --kg FILE", "train", "--data", sample, "--model", "kbert-crf", "--bert-size", "tiny", "--vocab", vocab, "--out", Path.Combine(dir, "o1"));
        Lab.UsageError("--kg is for the kbert-* models", "train", "--data", sample, "--model", "bilstm-crf", "--kg", kg, "--out", Path.Combine(dir, "o2"));
    }
}

/// <summary><c>lab lm</c> then <c>lab train --bilm</c>: paper 4's BiLM trained on raw text and fused into a tagger that predicts from its checkpoint.</summary>
public sealed class BiLmCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("lab-bilm").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void A_bilm_trains_on_raw_text_and_a_tagger_fuses_it()
    {
        string sample = Path.Combine(Lab.Root, "data", "sample");
        string text = Lab.WriteSampleText(Path.Combine(dir, "raw.txt"));
        string bilm = Path.Combine(dir, "bilm");
        var lm = Lab.Run("lm", "--input", text, "--out", bilm, "--hidden", "8", "--emb", "8", "--epochs", "1", "--seq", "16", "--batch", "16");
        Assert.True(lm.ExitCode == 0, lm.Stderr);
        Assert.Matches(@"backward epoch 1: dev perplexity \d", lm.Stdout);
        Assert.True(File.Exists(Path.Combine(bilm, "lm-curve.html")));

        string output = Path.Combine(dir, "run");
        var train = Lab.Run("train", "--data", sample, "--bilm", bilm, "--epochs", "1", "--emb", "8", "--hidden", "8", "--batch-size", "64", "--out", output);
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.Contains("fused features: bilm, 16 per character", train.Stdout, StringComparison.Ordinal);
        var predicted = Lab.Run("predict", "--checkpoint", Path.Combine(output, "best"), "--text", "患者头痛发热三天");
        Assert.True(predicted.ExitCode == 0, predicted.Stderr);
        Lab.UsageError("no such file or folder", "train", "--data", sample, "--bilm", Path.Combine(dir, "missing"), "--out", Path.Combine(dir, "o"));
        Lab.UsageError("--bilm is for the BiLSTM-CRF family", "train", "--data", sample, "--bilm", bilm, "--model", "bert-crf", "--out", Path.Combine(dir, "o2"));
    }
}

/// <summary><c>lab word2vec --words</c> and <c>lab train --soft-lexicon --pretrained-words</c>: lexicon words as tokens, then as word sets.</summary>
public sealed class SoftLexiconCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("lab-soft-lexicon").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Word_vectors_of_a_lexicon_feed_soft_lexicon_word_sets()
    {
        string sample = Path.Combine(Lab.Root, "data", "sample");
        string text = Lab.WriteSampleText(Path.Combine(dir, "raw.txt"));
        string lexicon = Path.Combine(dir, "lexicon.txt");
        File.WriteAllLines(lexicon, ["发热", "咳嗽", "患者", "查体", "入院"]);
        string vectors = Path.Combine(dir, "words.vec");
        var w2v = Lab.Run("word2vec", "--input", text, "--words", lexicon, "--out", vectors, "--dim", "6", "--epochs", "1", "--min-count", "1");
        Assert.True(w2v.ExitCode == 0, w2v.Stderr);
        Assert.Contains(" words", w2v.Stdout, StringComparison.Ordinal);
        var tokens = File.ReadLines(vectors).Skip(1).Select(l => l.Split(' ')[0]).ToHashSet();
        Assert.Contains("查体", tokens);   // a lexicon word is one token, not two characters
        Assert.DoesNotContain("查体", tokens.Where(t => t.Length == 1));

        string output = Path.Combine(dir, "run");
        var train = Lab.Run("train", "--data", sample, "--soft-lexicon", lexicon, "--soft-lexicon-emb", "6", "--pretrained-words", vectors, "--epochs", "1",
            "--emb", "8", "--hidden", "8", "--batch-size", "64", "--out", output);
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.Contains("SoftLexicon: 5 words from 1 file(s), 5 of them in the training text", train.Stdout, StringComparison.Ordinal);
        Assert.Contains("pretrained SoftLexicon word vectors: 5 of 5 found", train.Stdout, StringComparison.Ordinal);
        var predicted = Lab.Run("predict", "--checkpoint", Path.Combine(output, "best"), "--text", "患者发热三天，查体无殊");
        Assert.True(predicted.ExitCode == 0, predicted.Stderr);

        Lab.UsageError("word vectors (--pretrained-words) need words", "train", "--data", sample, "--pretrained-words", vectors, "--out", Path.Combine(dir, "o1"));
        Lab.UsageError("has 6-d vectors but the embedding is 50-d", "train", "--data", sample, "--soft-lexicon", lexicon, "--pretrained-words", vectors,
            "--out", Path.Combine(dir, "o2"));
        Lab.UsageError("--bigrams and --words exclude each other", "word2vec", "--input", text, "--bigrams", "--words", lexicon, "--out", Path.Combine(dir, "x.vec"));
    }
}

/// <summary><c>lab bootstrap</c>: rounds on the run store with a labeled pool whose precision is measured, skipped when restarted.</summary>
public sealed class BootstrapCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("lab-bootstrap").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Rounds_run_and_a_restart_skips_them()
    {
        string sample = Path.Combine(Lab.Root, "data", "sample");
        string[] args = ["bootstrap", "--data", sample, "--pool-gold", Path.Combine(sample, "dev.txt"), "--threshold", "0.3", "--rounds", "1",
            "--epochs", "2", "--emb", "8", "--hidden", "8", "--batch-size", "64", "--out", dir];
        var first = Lab.Run(args);
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("round 0: training", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("with gold labels (measuring precision only)", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("test (strict), best round:", first.Stdout, StringComparison.Ordinal);
        var again = Lab.Run(args);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("round 0: finished before with the same key, reused", again.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(": training", again.Stdout, StringComparison.Ordinal);
        Lab.UsageError("one of them", "bootstrap", "--data", sample, "--out", Path.Combine(dir, "o"));
    }
}

/// <summary><c>lab train --max-steps</c>: a quick run stops after that many steps, whatever the epochs.</summary>
public sealed class MaxStepsTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("lab-max-steps").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Training_stops_after_the_given_steps()
    {
        // The sample's 400 documents make 13 steps of 32 per epoch: 3 steps end inside the first of 5 epochs.
        var r = Lab.Run("train", "--data", Path.Combine(Lab.Root, "data", "sample"), "--epochs", "5", "--max-steps", "3", "--emb", "8", "--hidden", "8", "--out", dir);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("\"Step\":3,", File.ReadAllText(Path.Combine(dir, "last", "trainer_state.json")), StringComparison.Ordinal);
        Assert.DoesNotMatch(@"epoch\s+2\s", r.Stdout);
    }

    [Fact]
    public void The_device_option_reaches_training_prediction_and_the_run_store()
    {
        string sample = Path.Combine(Lab.Root, "data", "sample");
        if (!TorchBinding.torch.cuda.is_available())
        {
            // Asking for a GPU this build or machine lacks is refused before anything runs, naming what is missing.
            Lab.UsageError("no CUDA", "train", "--data", sample, "--out", Path.Combine(dir, "gpu"), "--device", "cuda");
            Lab.UsageError("no CUDA", "predict", "--checkpoint", sample, "--text", "x", "--device", "cuda:0");
            Assert.False(Directory.Exists(Path.Combine(dir, "gpu")));
        }
        var r = Lab.Run("train", "--data", sample, "--epochs", "1", "--max-steps", "2", "--emb", "8", "--hidden", "8", "--out", dir, "--device", "cpu");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using (var store = new ClinicalNer.Runs.RunStore(Path.Combine(dir, "runs.db")))
            Assert.Contains("\"Device\":\"cpu\"", store.Runs().Single().OptionsJson, StringComparison.Ordinal);
        var p = Lab.Run("predict", "--checkpoint", Path.Combine(dir, "best"), "--text", "患者头痛三天", "--device", "auto");
        Assert.True(p.ExitCode == 0, p.Stderr);
        Assert.Contains("\"entities\"", p.Stdout, StringComparison.Ordinal);
    }
}
