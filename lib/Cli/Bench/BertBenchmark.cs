using System.Globalization;
using System.Text.Json;
using ClinicalNer.Models.Bert;
using TorchBinding;
using static TorchBinding.torch;

namespace Cli.Bench;

/// <summary>
/// <c>lab bench bert</c>: training tokens/s of a BERT token classifier (4 layers, hidden 256, 4 heads, batch
/// 16 x 128, AdamW, dropout 0.1) on our stack and on the PyTorch reference (bert_peer.py) at its best thread
/// setting, in the same run, plus the share of the machine's measured matmul peak that training reaches; one JSON line.
/// </summary>
internal static class BertBenchmark
{
    private const int Batch = 16, Length = 128, Labels = 11;
    private const double Seconds = 9;

    public static int Run()
    {
        var config = BertConfig.Small with { VocabSize = 21128 };
        double ours = Ours(config);
        double peak = MatmulPeakGflops();
        int cores = Environment.ProcessorCount;
        double peer = 0;
        string peerConfig = "";
        foreach (var candidate in PeerConfiguration.All(cores).Where(c => c.TorchThreads > 1 || c.BlasThreads > 1))   // one thread is never best for BERT
        {
            double p = Peer(candidate);
            if (p > peer) (peer, peerConfig) = (p, candidate.ToString());
        }
        double flopsPerToken = 3 * ForwardFlopsPerToken(config);   // backward ≈ 2 x forward
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["bench"] = "bert",
            ["shape"] = $"{config.Layers} layers, hidden {config.HiddenSize}, {config.Heads} heads, inner {config.IntermediateSize}, batch {Batch} x {Length}, {Labels} labels",
            ["ours_train_tokens_per_s"] = Math.Round(ours),
            ["pytorch_train_tokens_per_s"] = Math.Round(peer),
            ["train_ratio"] = Math.Round(ours / peer, 3),
            ["matmul_peak_gflops"] = Math.Round(peak, 1),
            ["ours_fraction_of_matmul_peak"] = Math.Round(ours * flopsPerToken / 1e9 / peak, 3),
            ["pytorch_fraction_of_matmul_peak"] = Math.Round(peer * flopsPerToken / 1e9 / peak, 3),
            ["ours_threads"] = Threading.Description,
            ["pytorch_threads"] = peerConfig,
        }));
        return 0;
    }

    /// <summary>Multiply-adds x 2 of one token's forward pass: projections, attention scores and context, feed-forward.</summary>
    internal static double ForwardFlopsPerToken(BertConfig c) =>
        c.Layers * (2.0 * (4.0 * c.HiddenSize * c.HiddenSize + 2.0 * c.HiddenSize * c.IntermediateSize) + 4.0 * Length * c.HiddenSize)
        + 2.0 * c.HiddenSize * Labels;

    private static double Ours(BertConfig config)
    {
        manual_seed(0);
        var labels = ClinicalNer.Text.TagCodec.Labels(Enumerable.Range(0, 5).Select(t => $"T{t}"), ClinicalNer.Text.TagScheme.BIO);
        using var tagger = new BertTagger(new BertTaggerConfig(config, labels, Head: BertHead.Softmax));
        using var keep = NewDisposeScope();
        // The same 128 positions per sequence as the peer: [CLS], 126 labelled pieces, [SEP].
        var ids = randint(1, config.VocabSize, [Batch, Length]);
        var attention = ones([Batch, Length], ScalarType.Bool);
        var gold = randint(0, Labels, [Batch, Length - 2]);
        var labelMask = ones([Batch, Length - 2], ScalarType.Bool);
        long[] lengths = Enumerable.Repeat((long)Length - 2, Batch).ToArray();
        var parameters = tagger.parameters().ToList();
        using var optimizer = optim.AdamW(parameters, lr: 5e-5, weight_decay: 0.01);
        tagger.train();
        return Throughput.BestPerSecond(() =>
        {
            using var step = NewDisposeScope();
            var loss = tagger.Loss(ids, attention, lengths, gold, labelMask);
            optimizer.zero_grad();
            loss.backward();
            nn.utils.clip_grad_norm_(parameters, 1.0);
            optimizer.step();
        }, Batch * Length, Seconds);
    }

    private static double MatmulPeakGflops()
    {
        using var scope = NewDisposeScope();
        var a = randn(1024, 1024);
        var b = randn(1024, 1024);
        return Throughput.BestPerSecond(() => { using var s = NewDisposeScope(); a.matmul(b); }, 1, 3) * 2.0 * 1024 * 1024 * 1024 / 1e9;
    }

    private static double Peer(PeerConfiguration config) =>
        PyTorchPeer.Run("bert_peer.py", config, Seconds.ToString(CultureInfo.InvariantCulture))["train_tokens_per_s"];
}
