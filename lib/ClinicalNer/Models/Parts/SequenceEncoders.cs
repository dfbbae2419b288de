using TorchBinding;
using TorchBinding.Modules;
using static TorchBinding.torch;

namespace ClinicalNer.Models.Parts;

/// <summary>
/// A sequence encoder: states (B, L, in) of real length <c>lengths</c> to contextual states (B, L, <see cref="OutputSize"/>).
/// Implementations: <see cref="RecurrentEncoder"/> (BiLSTM, BiGRU), <see cref="SelfAttentionEncoder"/>,
/// <see cref="StackedEncoder"/> (one after another); BERT encodes word pieces itself (<see cref="Bert.BertModel"/>).
/// </summary>
public interface ISequenceEncoder
{
    /// <summary>Size of each output state.</summary>
    long OutputSize { get; }

    /// <summary>Encodes a batch; <paramref name="mask"/> is (B, L) bool, true at the first <paramref name="lengths"/> positions.</summary>
    Tensor Encode(Tensor x, long[] lengths, Tensor mask);
}

/// <summary>
/// The recurrent (or absent) sequence encoder of a tagger config's shorthand fields (<see cref="BiLstmSpec"/> and
/// <see cref="BiGruSpec"/> are the parts they stand for; checkpoints written before parts store it by name).
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<EncoderKind>))]
public enum EncoderKind
{
    /// <summary>Bidirectional LSTM.</summary>
    BiLstm,
    /// <summary>Bidirectional GRU.</summary>
    BiGru,
    /// <summary>No encoder: the embeddings go straight to the projection.</summary>
    None,
}

/// <summary>
/// A bidirectional LSTM or GRU over padded batches (each sequence runs over its real length only). The only place that
/// tells the two cells apart. Parameters are the RNN's, under <c>rnn.</c>.
/// </summary>
public sealed class RecurrentEncoder : nn.Module, ISequenceEncoder
{
    private readonly RecurrentBase rnn;

    /// <summary>Creates the encoder; <paramref name="dropout"/> applies between stacked layers.</summary>
    public RecurrentEncoder(EncoderKind kind, long inputSize, long hiddenSize, long layers = 1, double dropout = 0) : base(nameof(RecurrentEncoder))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        Kind = kind;
        double between = layers > 1 ? dropout : 0;
        rnn = kind switch
        {
            EncoderKind.BiLstm => nn.LSTM(inputSize, hiddenSize, layers, batch_first: true, bidirectional: true, dropout: between),
            EncoderKind.BiGru => nn.GRU(inputSize, hiddenSize, layers, batch_first: true, bidirectional: true, dropout: between),
            _ => throw new ArgumentException($"{kind} is not a recurrent encoder", nameof(kind)),
        };
        OutputSize = 2 * hiddenSize;
        register_module("rnn", rnn);
    }

    /// <summary>Which cell.</summary>
    public EncoderKind Kind { get; }

    /// <summary>The LSTM, when the cell is one (its folded inference path needs it).</summary>
    public LSTM? Lstm => rnn as LSTM;

    /// <inheritdoc/>
    public long OutputSize { get; }

    /// <inheritdoc/>
    public Tensor Encode(Tensor x, long[] lengths, Tensor mask) => rnn switch
    {
        LSTM lstm => lstm.call(x, lengths: lengths).output,
        GRU gru => gru.call(x, lengths: lengths).output,
        _ => throw new InvalidOperationException("unreachable: the constructor makes an LSTM or a GRU"),
    };
}

/// <summary>A bidirectional LSTM encoder (registered as "bilstm").</summary>
/// <param name="Hidden">Units per direction.</param>
/// <param name="Layers">Stacked layers (the model's dropout applies between them).</param>
public sealed record BiLstmSpec(int Hidden = 128, int Layers = 1) : EncoderSpec
{
    /// <inheritdoc/>
    public override string DisplayName => "BiLSTM";

    /// <inheritdoc/>
    public override long OutputSize(long inputSize) => 2L * Hidden;

    /// <inheritdoc/>
    public override nn.Module Build(long inputSize, double dropout) => new RecurrentEncoder(EncoderKind.BiLstm, inputSize, Hidden, Layers, dropout);
}

/// <summary>A bidirectional GRU encoder (registered as "bigru").</summary>
/// <param name="Hidden">Units per direction.</param>
/// <param name="Layers">Stacked layers (the model's dropout applies between them).</param>
public sealed record BiGruSpec(int Hidden = 128, int Layers = 1) : EncoderSpec
{
    /// <inheritdoc/>
    public override string DisplayName => "BiGRU";

    /// <inheritdoc/>
    public override long OutputSize(long inputSize) => 2L * Hidden;

    /// <inheritdoc/>
    public override nn.Module Build(long inputSize, double dropout) => new RecurrentEncoder(EncoderKind.BiGru, inputSize, Hidden, Layers, dropout);
}

/// <summary>Encoders applied one after another (e.g. a BiGRU then self-attention); parameters under <c>0.</c>, <c>1.</c>, ...</summary>
public sealed class StackedEncoder : nn.Module, ISequenceEncoder
{
    /// <summary>Stacks <paramref name="encoders"/> (each an <see cref="nn.Module"/> and an <see cref="ISequenceEncoder"/>).</summary>
    public StackedEncoder(IReadOnlyList<ISequenceEncoder> encoders) : base(nameof(StackedEncoder))
    {
        ArgumentNullException.ThrowIfNull(encoders);
        if (encoders.Count == 0) throw new ArgumentException("an encoder stack needs at least one encoder", nameof(encoders));
        Encoders = encoders;
        for (int k = 0; k < encoders.Count; k++)
            register_module(k.ToString(System.Globalization.CultureInfo.InvariantCulture),
                encoders[k] as nn.Module ?? throw new ArgumentException($"{encoders[k].GetType().Name} is not a module", nameof(encoders)));
    }

    /// <summary>The encoders, in order.</summary>
    public IReadOnlyList<ISequenceEncoder> Encoders { get; }

    /// <inheritdoc/>
    public long OutputSize => Encoders[^1].OutputSize;

    /// <inheritdoc/>
    public Tensor Encode(Tensor x, long[] lengths, Tensor mask)
    {
        foreach (var e in Encoders) x = e.Encode(x, lengths, mask);
        return x;
    }
}
