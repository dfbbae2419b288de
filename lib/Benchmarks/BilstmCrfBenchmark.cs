using System.Globalization;
using System.Text.Json;
using ClinicalNer.Models.Parts;
using ClinicalNer.Models.Tagging;
using TorchBinding;
using static TorchBinding.torch;

namespace Benchmarks;

/// <summary>
/// <c>lab bench bilstm-crf [--profile]</c>: training chars/s and decoding sentences/s of a BiLSTM-CRF (emb 100,
/// hidden 128 per direction, 11 tags, dropout 0.5, batch 32 x 100) on our stack and on the PyTorch
/// reference (bilstm_crf_peer.py) at its best thread setting (<see cref="PeerConfiguration.All"/>), in the same run, then in
/// alternating rounds against the peer at that setting (<see cref="PairedRounds"/>); one JSON line.
/// </summary>
internal static class BilstmCrfBenchmark
{
    private const int Vocab = 3000, Batch = 32, Length = 100;
    private const double Seconds = 6;
    private const int Pairs = 8;
    private static readonly string[] Types = ["BODY", "SIGNS", "CHECK", "DISEASE", "TREATMENT"];

    /// <summary>The benchmark's JSON line: throughputs and their ratios (above 1: ours faster), best and paired.</summary>
    public static Dictionary<string, object> Measure()
    {
        int cores = Environment.ProcessorCount;
        double peerTrain = 0, peerDecode = 0;
        PeerConfiguration trainConfig = default, decodeConfig = default;
        // Ours is taken before each of the peer's thread settings, in windows of the peer's length, and its best kept:
        // both sides sample the same stretches of a shared host.
        (double Train, double Decode) ours = (0, 0);
        foreach (var candidate in PeerConfiguration.All(cores))
        {
            var round = Ours();
            ours = (Math.Max(ours.Train, round.Train), Math.Max(ours.Decode, round.Decode));
            var peer = Peer(candidate);
            if (peer["train_chars_per_s"] > peerTrain) (peerTrain, trainConfig) = (peer["train_chars_per_s"], candidate);
            if (peer["decode_sentences_per_s"] > peerDecode) (peerDecode, decodeConfig) = (peer["decode_sentences_per_s"], candidate);
        }
        // Then rounds as long as one of the three above, ours and the peer's (at its best setting for each) in turn.
        var (pairedTrain, pairedDecode) = WithModel((train, decode) =>
        {
            using var trainPeer = PeerSession(trainConfig);
            var pt = Throughput.Paired(train, Batch * Length, trainPeer, "train", Seconds / 3, Pairs);
            using var decodePeer = PeerSession(decodeConfig);
            return (pt, Throughput.Paired(decode, Batch, decodePeer, "decode", Seconds / 3, Pairs));
        });
        return new Dictionary<string, object>
        {
            ["bench"] = "bilstm-crf",
            ["shape"] = $"batch {Batch} x {Length} chars, emb 100, hidden 128x2, 11 tags",
            ["ours_train_chars_per_s"] = Math.Round(ours.Train),
            ["pytorch_train_chars_per_s"] = Math.Round(peerTrain),
            ["train_ratio"] = Math.Round(ours.Train / peerTrain, 3),
            ["ours_decode_sentences_per_s"] = Math.Round(ours.Decode),
            ["pytorch_decode_sentences_per_s"] = Math.Round(peerDecode),
            ["decode_ratio"] = Math.Round(ours.Decode / peerDecode, 3),
            ["ours_threads"] = Threading.Description,
            ["machine"] = MachineInfo.Describe(),
            ["pytorch_threads"] = new { train = trainConfig.ToString(), decode = decodeConfig.ToString() },
            ["paired_train"] = pairedTrain.ToJson(),
            ["paired_decode"] = pairedDecode.ToJson(),
        };
    }

    private static (double Train, double Decode) Ours() =>
        WithModel((train, decode) => (Throughput.BestPerSecond(train, Batch * Length, Seconds), Throughput.BestPerSecond(decode, Batch, Seconds)));

    /// <summary><c>lab bench bilstm-crf --profile</c>: where our training step's and decode's time goes (<see cref="StepProfile"/>).</summary>
    internal static string ProfileSteps(int steps) =>
        WithModel((train, decode) => StepProfile.Describe($"BiLSTM-CRF training step, batch {Batch} x {Length}", train, steps)
            + StepProfile.Describe($"BiLSTM-CRF decode (paths only), batch {Batch} x {Length}", decode, steps));

    // Builds the benchmark's tagger, batch and optimizer, and hands a training step and a decode to measure
    // (the training step runs in train mode, the decode in eval mode, each switching the tagger as it starts).
    // Data-parallel (lab bench ddp): a rank's own batch size and data seed, the start (parameters from rank 0) and the
    // steps around the backward pass (the gradients averaged over the ranks).
    internal static T WithModel<T>(Func<Action, Action, T> measure, int batch = Batch, int? dataSeed = null, Action<nn.Module>? start = null,
        Action<Tensor>? beforeBackward = null, Action? afterBackward = null)
    {
        string[] labels = ["O", .. Types.SelectMany(t => new[] { "B-" + t, "I-" + t })];
        var config = new SequenceTaggerConfig(Vocab, labels, CharEmbeddingDim: 100, HiddenSize: 128, Dropout: 0.5, Decoder: DecoderKind.Crf, ConstrainedDecoding: false);
        manual_seed(0);
        using var model = new SequenceTagger(config);
        using var keep = NewDisposeScope();
        start?.Invoke(model);
        if (dataSeed is { } seed) manual_seed(seed);
        var chars = randint(1, Vocab, [batch, Length]);
        var tags = randint(0, labels.Length, [batch, Length]);
        var mask = ones([batch, Length], ScalarType.Bool);
        var data = new TaggerBatch(chars, mask, Enumerable.Repeat((long)Length, batch).ToArray(), Tags: tags);
        var parameters = model.parameters().ToList();
        using var optimizer = optim.Adam(parameters, lr: 1e-3);
        void Train()
        {
            model.train();
            using var step = NewDisposeScope();
            var loss = model.Loss(data);
            optimizer.zero_grad();
            beforeBackward?.Invoke(loss);
            loss.backward();
            afterBackward?.Invoke();
            nn.utils.clip_grad_norm_(parameters, 5.0);
            optimizer.step();
        }
        void Decode()
        {
            model.eval();
            model.Decode(data, withConfidence: false);   // paths only, as the reference
        }
        return measure(Train, Decode);
    }

    private static Dictionary<string, double> Peer(PeerConfiguration config) =>
        PyTorchPeer.Run("bilstm_crf_peer.py", config, Seconds.ToString(CultureInfo.InvariantCulture));

    private static PeerSession PeerSession(PeerConfiguration config) =>
        new("bilstm_crf_peer.py", config, Seconds.ToString(CultureInfo.InvariantCulture));
}
