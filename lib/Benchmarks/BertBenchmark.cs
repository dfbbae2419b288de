using System.Globalization;
using System.Text.Json;
using ClinicalNer.Models.Bert;
using TorchBinding;
using static TorchBinding.torch;

namespace Benchmarks;

/// <summary>
/// <c>lab bench bert [--size small|base] [--batch N] [--device D] [--bf16] [--pairs N] [--profile]</c>: training tokens/s of a BERT token
/// classifier (sequences of 128, AdamW, dropout 0.1) on our stack and on the PyTorch reference (bert_peer.py) in the same
/// run — on the CPU at the peer's best thread setting, on a GPU on the same device — then in alternating rounds against the
/// peer at that setting (<see cref="PairedRounds"/>), plus the share of the measured matmul peak (same dtype) that training
/// reaches; one JSON line. Defaults: BERT-small, batch 16, the CPU.
/// </summary>
internal static class BertBenchmark
{
    private const int Length = 128, Labels = 11;
    private const double Seconds = 9;

    /// <summary>
    /// The benchmark's JSON line: training throughputs, their ratio (above 1: ours faster), the shares of the matmul peak,
    /// and (with <paramref name="pairs"/> above 0) the ratio from that many paired rounds.
    /// </summary>
    public static Dictionary<string, object> Measure(string size, int batch, Device device, bool bf16, int pairs = 8)
    {
        var config = BertConfig.Preset(size) with { VocabSize = 21128 };
        bool gpu = device.type == DeviceType.CUDA;
        int cores = Environment.ProcessorCount;
        // On the CPU the peer gets every thread split and keeps its best (one thread is never best for BERT); on a GPU, one run.
        var candidates = (gpu ? [new PeerConfiguration(cores, 1)] : PeerConfiguration.All(cores).Where(c => c.TorchThreads > 1 || c.BlasThreads > 1)).ToList();
        // Ours and the matmul peak are taken before each of the peer's settings, with the peer's own window lengths, and
        // their best kept: both sides sample the same stretches of a shared host, in windows of the same length.
        double ours = 0, peak = 0, peer = 0;
        string ourThreads = "";
        PeerConfiguration peerConfig = candidates[0];
        foreach (var candidate in candidates)
        {
            // Under CPU autocast ours runs as training does (Trainer): the cores in libtorch's pool, where oneDNN's bfloat16 products run.
            using (bf16 && device.type == DeviceType.CPU ? Threading.ForCpuAutocast() : null)
            {
                ours = Math.Max(ours, Ours(config, batch, device, bf16, Seconds));
                peak = Math.Max(peak, MatmulPeakGflops(device, bf16));
                ourThreads = Threading.Description;
            }
            double p = Peer(candidate, size, batch, device, bf16);
            if (p > peer) (peer, peerConfig) = (p, candidate);
        }
        double flopsPerToken = 3 * ForwardFlopsPerToken(config);   // backward ≈ 2 x forward
        var line = new Dictionary<string, object>
        {
            ["bench"] = "bert",
            ["device"] = device.ToString(),
            ["precision"] = bf16 ? "bf16 autocast" : "fp32",
            ["shape"] = $"{config.Layers} layers, hidden {config.HiddenSize}, {config.Heads} heads, inner {config.IntermediateSize}, batch {batch} x {Length}, {Labels} labels",
            ["ours_train_tokens_per_s"] = Math.Round(ours),
            ["pytorch_train_tokens_per_s"] = Math.Round(peer),
            ["train_ratio"] = Math.Round(ours / peer, 3),
            ["matmul_peak_gflops"] = Math.Round(peak, 1),
            ["ours_fraction_of_matmul_peak"] = Math.Round(ours * flopsPerToken / 1e9 / peak, 3),
            ["pytorch_fraction_of_matmul_peak"] = Math.Round(peer * flopsPerToken / 1e9 / peak, 3),
            ["ours_threads"] = ourThreads,
            ["machine"] = MachineInfo.Describe(),
            ["pytorch_threads"] = peerConfig.ToString(),
        };
        if (pairs > 0)
        {
            // Then rounds as long as one of the three above, ours and the peer's (at its best setting) in turn.
            using var threads = bf16 && device.type == DeviceType.CPU ? Threading.ForCpuAutocast() : null;
            using var session = new PeerSession("bert_peer.py", peerConfig, PeerArguments(size, batch, device, bf16));
            line["paired_train"] = WithTrainingStep(config, batch, device, bf16,
                step => Throughput.Paired(step, batch * Length, session, "train", Seconds / 3, pairs)).ToJson();
        }
        return line;
    }

    /// <summary>Multiply-adds x 2 of one token's forward pass: projections, attention scores and context, feed-forward.</summary>
    internal static double ForwardFlopsPerToken(BertConfig c) =>
        c.Layers * (2.0 * (4.0 * c.HiddenSize * c.HiddenSize + 2.0 * c.HiddenSize * c.IntermediateSize) + 4.0 * Length * c.HiddenSize)
        + 2.0 * c.HiddenSize * Labels;

    private static double Ours(BertConfig config, int batch, Device device, bool bf16, double seconds) =>
        WithTrainingStep(config, batch, device, bf16, step => Throughput.BestPerSecond(step, batch * Length, seconds));

    /// <summary><c>lab bench bert --profile</c>: where our training step's time goes (<see cref="StepProfile"/>).</summary>
    internal static string ProfileSteps(string size, int batch, Device device, bool bf16, int steps)
    {
        var config = BertConfig.Preset(size) with { VocabSize = 21128 };
        using var threads = bf16 && device.type == DeviceType.CPU ? Threading.ForCpuAutocast() : null;
        return WithTrainingStep(config, batch, device, bf16, step => StepProfile.Describe($"BERT-{size} training step, batch {batch} x {Length}", step, steps));
    }

    // Builds the benchmark's model, batch and optimizer, and hands one training step to measure. Data-parallel (lab bench
    // ddp): a rank's own data seed, the start (parameters from rank 0) and the steps around the backward pass (the
    // gradients averaged over the ranks).
    internal static T WithTrainingStep<T>(BertConfig config, int batch, Device device, bool bf16, Func<Action, T> measure, int? dataSeed = null,
        Action<nn.Module>? start = null, Action<Tensor>? beforeBackward = null, Action? afterBackward = null)
    {
        manual_seed(0);
        var labels = ClinicalNer.Text.TagCodec.Labels(Enumerable.Range(0, 5).Select(t => $"T{t}"), ClinicalNer.Text.TagScheme.BIO);
        using var tagger = new BertTagger(new BertTaggerConfig(config, labels, Head: BertHead.Softmax));
        tagger.to(device);
        start?.Invoke(tagger);
        if (dataSeed is { } seed) manual_seed(seed);
        using var keep = NewDisposeScope();
        // The same 128 positions per sequence as the peer: [CLS], 126 labelled pieces, [SEP].
        var ids = randint(1, config.VocabSize, [batch, Length]).to(device);
        var attention = ones([batch, Length], ScalarType.Bool, device);
        var gold = randint(0, Labels, [batch, Length - 2]).to(device);
        var labelMask = ones([batch, Length - 2], ScalarType.Bool, device);
        long[] lengths = Enumerable.Repeat((long)Length - 2, batch).ToArray();
        var parameters = tagger.parameters().ToList();
        using var optimizer = optim.AdamW(parameters, lr: 5e-5, weight_decay: 0.01);
        tagger.train();
        return measure(() =>
        {
            using var step = NewDisposeScope();
            Tensor loss;
            using (bf16 ? autocast(device.type) : null) loss = tagger.Loss(ids, attention, lengths, gold, labelMask);
            optimizer.zero_grad();
            beforeBackward?.Invoke(loss);
            loss.backward();
            afterBackward?.Invoke();
            nn.utils.clip_grad_norm_(parameters, 1.0);
            optimizer.step();
            if (device.type == DeviceType.CUDA) cuda.synchronize();   // time the work, not its queueing
        });
    }

    private static double MatmulPeakGflops(Device device, bool bf16)
    {
        using var scope = NewDisposeScope();
        int n = device.type == DeviceType.CUDA ? 8192 : 1024;
        var dtype = bf16 ? ScalarType.BFloat16 : ScalarType.Float32;
        var a = randn(n, n).to(dtype, device);
        var b = randn(n, n).to(dtype, device);
        return Throughput.BestPerSecond(() =>
        {
            using var s = NewDisposeScope();
            a.matmul(b);
            if (device.type == DeviceType.CUDA) cuda.synchronize();
        }, 1, 3) * 2.0 * n * n * n / 1e9;
    }

    private static double Peer(PeerConfiguration config, string size, int batch, Device device, bool bf16) =>
        PyTorchPeer.Run("bert_peer.py", config, PeerArguments(size, batch, device, bf16))["train_tokens_per_s"];

    // bert_peer.py's arguments after TORCH_THREADS: SECONDS SIZE BATCH DEVICE PRECISION.
    private static string[] PeerArguments(string size, int batch, Device device, bool bf16) =>
        [Seconds.ToString(CultureInfo.InvariantCulture), size, batch.ToString(CultureInfo.InvariantCulture), device.ToString(), bf16 ? "bf16" : "fp32"];
}
