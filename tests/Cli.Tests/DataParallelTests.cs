using System.Diagnostics;
using static TorchBinding.torch;

namespace Cli.Tests;

/// <summary>
/// <c>lab train --nproc N</c> and torchrun: N ranks of batch b step as one process of batch N·b (the same weights), write
/// one run, and a rank that dies ends the job with a message naming it.
/// </summary>
public sealed class DataParallelTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("lab-ddp").FullName;
    private static readonly string Sample = Path.Combine(Lab.Root, "data", "sample");

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static void AssertSameWeights(string a, string b, string file = "last/model.safetensors")
    {
        var left = safetensors.load(Path.Combine(a, file));
        var right = safetensors.load(Path.Combine(b, file));
        Assert.Equal(left.Keys.Order(), right.Keys.Order());
        foreach (var (name, w) in left)
        {
            double diff = w.to_type(ScalarType.Float64).sub(right[name].to_type(ScalarType.Float64)).abs().max().item<double>();
            Assert.True(diff <= 1e-5, $"{name}: the two runs differ by {diff}");
        }
    }

    private (string One, string Two) TrainBothWays(string name, params string[] model)
    {
        string one = Path.Combine(dir, name + "-one"), two = Path.Combine(dir, name + "-two");
        string[] common = ["train", "--data", Sample, "--epochs", "1", "--max-steps", "4", "--seed", "3", .. model];
        var single = Lab.Run([.. common, "--batch-size", "16", "--out", one]);
        Assert.True(single.ExitCode == 0, single.Stderr);
        var parallel = Lab.Run([.. common, "--batch-size", "8", "--nproc", "2", "--out", two]);
        Assert.True(parallel.ExitCode == 0, parallel.Stdout + parallel.Stderr);
        Assert.Contains("2 data-parallel ranks", parallel.Stdout, StringComparison.Ordinal);
        Assert.Contains("rank 1: trained to epoch 1 with rank 0", parallel.Stdout, StringComparison.Ordinal);
        return (one, two);
    }

    [Fact]
    public void Two_ranks_of_batch_8_reach_the_weights_of_one_process_of_batch_16_bilstm_crf()
    {
        var (one, two) = TrainBothWays("lstm", "--dropout", "0");
        AssertSameWeights(one, two);
        // Rank 0 alone wrote the run store: one run, finished, with test scores.
        using var store = new ClinicalNer.Runs.RunStore(Path.Combine(two, "runs.db"));
        var run = Assert.Single(store.Runs());
        Assert.Equal("finished", run.Status);
        Assert.Contains(store.Scores(run.Id), s => s.Split == "test");
    }

    [Fact]
    public void Two_ranks_of_batch_8_reach_the_weights_of_one_process_of_batch_16_bert_tagger()
    {
        var chars = File.ReadLines(Path.Combine(Sample, "train.txt")).Select(l => l.Split(' ')[0]).Where(c => c.Length > 0);
        string vocab = Path.Combine(dir, "vocab.txt");
        File.WriteAllLines(vocab, new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }.Concat(chars).Distinct());
        // A tiny BERT without dropout: each rank would draw other masks than the one process does.
        const string tiny = "encoder.config={\"hidden_size\":64,\"num_hidden_layers\":2,\"num_attention_heads\":2,\"intermediate_size\":128," +
                            "\"max_position_embeddings\":128,\"hidden_dropout_prob\":0,\"attention_probs_dropout_prob\":0}";
        var (one, two) = TrainBothWays("bert", "--model", "bert-crf", "--vocab", vocab, "--max-length", "60", "--set", tiny, "--dropout", "0");
        AssertSameWeights(one, two);
    }

    [Fact]
    public void Two_ranks_of_batch_4_pretrain_bert_as_one_process_of_batch_8()
    {
        // The sample's text as documents of 5 lines (a blank line between them): NSP pairs need several documents.
        string text = Lab.WriteSampleText(Path.Combine(dir, "text.txt"));
        File.WriteAllLines(text, File.ReadAllLines(text).Chunk(5).SelectMany(c => c.Append("")));
        string vocab = Path.Combine(dir, "pt-vocab.txt");
        File.WriteAllLines(vocab, new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }.Concat(File.ReadAllText(text).Where(c => !char.IsWhiteSpace(c))
            .Select(c => c.ToString())).Distinct());
        // A tiny BERT without dropout, so that the ranks and the one process draw no masks of their own.
        string config = Path.Combine(dir, "config.json");
        File.WriteAllText(config, "{\"hidden_size\":32,\"num_hidden_layers\":2,\"num_attention_heads\":2,\"intermediate_size\":64," +
                                  "\"max_position_embeddings\":64,\"hidden_dropout_prob\":0,\"attention_probs_dropout_prob\":0}");
        string one = Path.Combine(dir, "pt-one"), two = Path.Combine(dir, "pt-two");
        string[] common = ["pretrain", "--input", text, "--vocab", vocab, "--size", config, "--steps", "3", "--max-length", "32", "--seed", "2"];
        var single = Lab.Run([.. common, "--batch", "8", "--out", one]);
        Assert.True(single.ExitCode == 0, single.Stderr);
        var parallel = Lab.Run([.. common, "--batch", "4", "--nproc", "2", "--out", two]);
        Assert.True(parallel.ExitCode == 0, parallel.Stdout + parallel.Stderr);
        Assert.Contains("rank 1: 3 steps pretrained with rank 0", parallel.Stdout, StringComparison.Ordinal);
        AssertSameWeights(one, two, "model.safetensors");
        Assert.True(File.Exists(Path.Combine(two, "pretraining_complete.json")));
    }

    [Fact]
    public async Task Torchrun_launches_our_ranks()
    {
        string output = Path.Combine(dir, "torchrun");
        // Debian's torchrun 1.13 under Python 3.11 cannot parse its default --redirects/--tee of 0, so the test names 1.
        var psi = new ProcessStartInfo("torchrun") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Lab.Root };
        foreach (string a in new[] { "--nproc_per_node", "2", "--redirects", "1", "--tee", "1", "--no_python", "dotnet", Lab.DllPath, "train", "--data", Sample,
                     "--out", output, "--epochs", "1" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = await p.StandardOutput.ReadToEndAsync();
        Assert.True(p.WaitForExit(300_000), "torchrun did not finish in 5 minutes");
        Assert.True(p.ExitCode == 0, stdout + await stderr);
        using var store = new ClinicalNer.Runs.RunStore(Path.Combine(output, "runs.db"));
        Assert.Equal("finished", Assert.Single(store.Runs()).Status);
    }

    [Fact]
    public async Task The_apphost_starts_its_ranks_as_itself()
    {
        // lab as its own executable (as the GPU check's self-contained one runs): the ranks are that executable again,
        // not it with the assembly's path as a first argument.
        string apphost = Path.Combine(Path.GetDirectoryName(Lab.DllPath)!, "lab");
        string output = Path.Combine(dir, "apphost");
        var psi = new ProcessStartInfo(apphost) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Lab.Root };
        foreach (string a in new[] { "train", "--data", Sample, "--out", output, "--epochs", "1", "--nproc", "2" }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = await p.StandardOutput.ReadToEndAsync();
        Assert.True(p.WaitForExit(300_000), "lab did not finish in 5 minutes");
        Assert.True(p.ExitCode == 0, stdout + await stderr);
        Assert.Contains("rank 1: trained to epoch 1 with rank 0", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_data_parallel_job_resumes_from_its_last_checkpoint_and_a_sweep_runs_data_parallel()
    {
        string output = Path.Combine(dir, "resume");
        string[] common = ["train", "--data", Sample, "--out", output, "--nproc", "2", "--batch-size", "16"];
        var first = Lab.Run([.. common, "--epochs", "1"]);
        Assert.True(first.ExitCode == 0, first.Stderr);
        // Restarted with more epochs: every rank restores last/ (written by rank 0) and trains epoch 2 only.
        var again = Lab.Run([.. common, "--epochs", "2", "--resume"]);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("rank 1: trained to epoch 2 with rank 0", again.Stdout, StringComparison.Ordinal);
        using (var store = new ClinicalNer.Runs.RunStore(Path.Combine(output, "runs.db")))
            Assert.Equal([2], store.Curve(store.Runs().First().Id).Select(e => e.Epoch));

        string sweep = Path.Combine(dir, "sweep");
        var r = Lab.Run("sweep", "--name", "s", "--out", sweep, "--seeds", "1", "--vary", "hidden=8,16", "--data", Sample, "--epochs", "1", "--nproc", "2");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var runs = new ClinicalNer.Runs.RunStore(Path.Combine(sweep, "runs.db"));
        Assert.Equal(2, runs.Runs().Count(x => x.IsFinished));
        Assert.True(File.Exists(Path.Combine(sweep, "summary.csv")));
    }

    [Fact]
    public void The_ddp_benchmark_runs_both_sides_and_prints_one_json_line()
    {
        // Short rounds: this checks that ours and PyTorch's DDP both train and report, not how fast (./lab bench ddp does).
        var r = Lab.Run("bench", "ddp", "--seconds", "0.5", "--rounds", "1");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var line = System.Text.Json.JsonDocument.Parse(r.Stdout.Trim().Split('\n')[^1]).RootElement;
        Assert.Equal("ddp", line.GetProperty("bench").GetString());
        foreach (string key in new[] { "ours_ddp_chars_per_s", "pytorch_ddp_chars_per_s", "ours_one_process_chars_per_s", "ours_after_backward_chars_per_s", "ddp_ratio", "overlap_gain" })
            Assert.True(line.GetProperty(key).GetDouble() > 0, key);
        foreach (string key in new[] { "ours_ddp_tokens_per_s", "pytorch_ddp_tokens_per_s", "ours_one_process_tokens_per_s", "ours_after_backward_tokens_per_s", "ddp_ratio", "overlap_gain" })
            Assert.True(line.GetProperty("bert_small").GetProperty(key).GetDouble() > 0, "bert_small." + key);
        // A share of the step: waiting for the all-reduce takes some time and not all of it.
        foreach (var share in new[] { line.GetProperty("ours_allreduce_wait_share"), line.GetProperty("bert_small").GetProperty("ours_allreduce_wait_share") })
            Assert.InRange(share.GetDouble(), 1e-6, 0.999);
        Assert.False(string.IsNullOrEmpty(line.GetProperty("machine").GetProperty("cpu").GetString()));
    }

    [Fact]
    public void A_rank_that_dies_ends_the_job_with_a_message_naming_it()
    {
        var r = Lab.Run(new Dictionary<string, string?> { ["LAB_DIST_TEST_EXIT_RANK"] = "1", ["LAB_DIST_TIMEOUT"] = "30" },
            "train", "--data", Sample, "--out", Path.Combine(dir, "dies"), "--epochs", "1", "--nproc", "2");
        Assert.Equal(137, r.ExitCode);
        Assert.Contains("rank 1 of 2 exited with code 137", r.Stderr, StringComparison.Ordinal);
        // Rank 0 does not hang: its first collective fails and says which collective, on which rank.
        Assert.Contains("torch.distributed: broadcast from rank 0 on rank 0 of 2 failed", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("stopped rank", r.Stderr, StringComparison.Ordinal);
    }
}
