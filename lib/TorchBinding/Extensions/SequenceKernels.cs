using TorchBinding.Interop;
using TorchBinding.Modules;
using static TorchBinding.Interop.NativeMethods;
using static TorchBinding.torch;

namespace TorchBinding.Extensions;

/// <summary>
/// The project's own native kernels for sequence labelling, kept apart from the PyTorch-shaped <c>torch</c> API: CRF
/// Viterbi decoding in one call, and LSTM inference from precomputed input-gate tables (embedding lookups folded into the
/// first layer's input projection). They exist because the NER models need them; PyTorch has no counterpart.
/// </summary>
public static class SequenceKernels
{
    /// <summary>
    /// log Z of a linear-chain CRF in one native call (CPU float32), differentiable: its backward computes the
    /// forward-backward marginals (the gradient of log Z) in one call too. The first position always counts; a later one
    /// when its mask is set, otherwise the forward scores carry over it (as a masked loop over time does).
    /// No second derivative.
    /// </summary>
    /// <param name="emissions">(B, L, N) float32 on the CPU.</param>
    /// <param name="mask">(B, L) bool.</param>
    /// <param name="transitions">(N, N) scores of moving from tag i to tag j.</param>
    /// <param name="start">(N) scores of the first tag.</param>
    /// <param name="end">(N) scores of the last tag.</param>
    /// <returns>(B) the log-sum-exp of the scores of every tag path of each sequence.</returns>
    public static Tensor CrfLogPartition(Tensor emissions, Tensor mask, Tensor transitions, Tensor start, Tensor end)
    {
        ArgumentNullException.ThrowIfNull(emissions);
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(transitions);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(end);
        return new Tensor(TS_CRF_log_partition(emissions.Handle, mask.Handle, transitions.Handle, start.Handle, end.Handle));
    }

    /// <summary>
    /// Viterbi decoding of a linear-chain CRF in one native call (CPU): the best tag path of each
    /// sequence under emissions, transitions (from, to) and start/end scores.
    /// </summary>
    /// <param name="emissions">(B, L, N) float32 or float64 on the CPU.</param>
    /// <param name="mask">(B, L) bool, each sequence left-aligned.</param>
    /// <param name="transitions">(N, N) scores of moving from tag i to tag j.</param>
    /// <param name="start">(N) scores of the first tag.</param>
    /// <param name="end">(N) scores of the last tag.</param>
    /// <returns>Per sequence its path (one tag per real position) and its score.</returns>
    public static (int[][] Paths, double[] Scores) CrfViterbi(Tensor emissions, Tensor mask, Tensor transitions, Tensor start, Tensor end)
    {
        ArgumentNullException.ThrowIfNull(emissions);
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(transitions);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(end);
        long b = emissions.size(0), l = emissions.size(1);
        var flat = new int[b * l];
        var scores = new double[b];
        NativeError.Check(TS_CRF_viterbi(emissions.Handle, mask.Handle, transitions.Handle, start.Handle, end.Handle, flat, scores));
        var paths = new int[b][];
        for (int i = 0; i < b; i++)
        {
            int len = 0;
            while (len < l && flat[i * l + len] >= 0) len++;
            paths[i] = flat.AsSpan((int)(i * l), len).ToArray();
        }
        return (paths, scores);
    }

    /// <summary>
    /// Input-gate tables for a first layer whose input is a concatenation of embedding lookups
    /// [E₁[i₁]; E₂[i₂]; ...] (the tables' widths summing to <see cref="RecurrentBase.InputSize"/>): per direction
    /// d and input k, Eₖ·W_ih,d[:, columns of k]ᵀ, both biases added to k = 0's, so that
    /// W_ih·[E₁[i₁]; ...] + b = Σₖ tableₖ[iₖ]. Once computed, every step's input projection is a row lookup
    /// (<see cref="ForwardEmbedded"/>): for inference with fixed weights. The result is direction-major and owned
    /// by the caller (detached from any dispose scope).
    /// </summary>
    public static Tensor[] InputGateTables(this LSTM lstm, IReadOnlyList<Tensor> embedding_weights)
    {
        ArgumentNullException.ThrowIfNull(embedding_weights);
        long width = embedding_weights.Sum(w => w.ndim == 2 ? w.size(1) : throw new ArgumentException($"{lstm.Name}: embedding weights must be 2-D, got [{string.Join(", ", w.shape)}]"));
        if (width != lstm.InputSize) throw new ArgumentException($"{lstm.Name}: the embeddings are {width} wide together, the first layer takes {lstm.InputSize}");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var tables = new List<Tensor>();
        var named = lstm.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (string suffix in lstm.FirstLayerSuffixes)
        {
            Tensor w_ih = named["weight_ih" + suffix];
            long column = 0;
            for (int k = 0; k < embedding_weights.Count; k++)
            {
                long e = embedding_weights[k].size(1);
                Tensor table = matmul(embedding_weights[k], w_ih.narrow(1, column, e).t());   // (V_k, 4H)
                if (k == 0 && lstm.Bias) table = table + named["bias_ih" + suffix] + named["bias_hh" + suffix];
                tables.Add(table.contiguous());
                column += e;
            }
        }
        foreach (var t in tables) t.DetachFromDisposeScope();
        return tables.ToArray();
    }

    /// <summary>
    /// Runs the LSTM on embedding ids with tables from <see cref="InputGateTables"/> (CPU float32, zero initial
    /// states; inference only: no gradient flows to the tables or the weights). Same results as <see cref="LSTM.forward"/>
    /// on the concatenated embeddings, to float rounding; layers after the first run as in <see cref="LSTM.forward"/>.
    /// </summary>
    /// <param name="lstm">The LSTM the tables were made for.</param>
    /// <param name="ids">One (B, T) int64 id tensor per embedding, in the order the tables were made.</param>
    /// <param name="tables">The tables from <see cref="InputGateTables"/>.</param>
    /// <param name="lengths">Per-sequence lengths (B), each in [1, T]; null when all are T.</param>
    /// <returns>As <see cref="LSTM.forward"/>.</returns>
    public static (Tensor output, Tensor h_n, Tensor c_n) ForwardEmbedded(this LSTM lstm, IReadOnlyList<Tensor> ids, Tensor[] tables, long[]? lengths = null)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(tables);
        int directions = lstm.Bidirectional ? 2 : 1;
        if (ids.Count == 0 || tables.Length != ids.Count * directions)
            throw new ArgumentException($"{lstm.Name}: {tables.Length} tables for {ids.Count} id tensors and {directions} direction(s)");
        if (ids[0].ndim != 2) throw new ArgumentException($"{lstm.Name}: ids must be (batch, time), got [{string.Join(", ", ids[0].shape)}]", nameof(ids));
        long batch = ids[0].size(0);
        if (lengths is not null && lengths.Length != batch) throw new ArgumentException($"{lstm.Name}: {lengths.Length} lengths for a batch of {batch}", nameof(lengths));
        var named = lstm.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        IntPtr[] w_hh = lstm.FirstLayerSuffixes.Select(suffix => named["weight_hh" + suffix].Pointer).ToArray();
        int status = TS_NN_lstm_fused_gathered(ids.Select(t => t.Pointer).ToArray(), ids.Count, tables.Select(t => t.Pointer).ToArray(), lengths,
            w_hh, lstm.Bidirectional ? 1 : 0, out IntPtr output, out IntPtr hN, out IntPtr cN);
        GC.KeepAlive(ids);
        GC.KeepAlive(tables);
        lstm.KeepWeightsAlive();
        NativeError.Check(status);
        Tensor x = new(output), h = new(hN), c = new(cN);                                 // layer 0; x is (B, T, dirs*H)
        if (lstm.NumLayers > 1)
        {
            var (rest, states) = lstm.FusedLayers(x, 1, (layerInput, weights) => lstm.FusedLayer(layerInput, weights, lengths), [h, c]);
            (x, h, c) = (rest, states[0], states[1]);
        }
        return (lstm.BatchFirst ? x : x.transpose(0, 1), h, c);
    }
}
