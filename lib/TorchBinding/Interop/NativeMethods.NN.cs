using System.Runtime.InteropServices;

namespace TorchBinding.Interop;

internal static partial class NativeMethods
{
    [LibraryImport(Lib)] internal static partial TensorHandle TS_NN_linear(TensorHandle x, TensorHandle w, IntPtr b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_NN_embedding(TensorHandle weight, TensorHandle indices, long paddingIdx);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_NN_softmax(TensorHandle x, long dim, int dtype);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_NN_log_softmax(TensorHandle x, long dim, int dtype);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_NN_dropout(TensorHandle x, double p, int train);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_NN_dropout_fast(TensorHandle x, double p);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_NN_gelu_fast(TensorHandle x);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_NN_linear_gelu(TensorHandle x, TensorHandle w, IntPtr b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_NN_add_layer_norm(TensorHandle a, TensorHandle b, IntPtr w, IntPtr bias, double eps);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_NN_head_scores(TensorHandle q, TensorHandle k, long heads, double scale, int fused);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_NN_head_context(TensorHandle probs, TensorHandle v, long heads, int fused);
    [LibraryImport(Lib)] internal static partial int TS_NN_self_attention_applies(TensorHandle qkv, long heads);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_NN_self_attention(TensorHandle qkv, IntPtr mask, long heads, double scale, double dropout);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_CRF_log_partition(TensorHandle emissions, TensorHandle mask, TensorHandle transitions, TensorHandle start, TensorHandle end);
    [LibraryImport(Lib)] internal static partial int TS_CRF_viterbi(TensorHandle emissions, TensorHandle mask, TensorHandle transitions, TensorHandle start, TensorHandle end, [Out] int[] paths, [Out] double[] scores);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_NN_layer_norm(TensorHandle x, ReadOnlySpan<long> shape, int n, IntPtr w, IntPtr b, double eps);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_NN_cross_entropy(TensorHandle input, TensorHandle target, IntPtr weight, long reduction, long ignoreIndex, double labelSmoothing);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_NN_nll_loss(TensorHandle input, TensorHandle target, IntPtr weight, long reduction, long ignoreIndex);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_NN_binary_cross_entropy_with_logits(TensorHandle input, TensorHandle target, IntPtr weight, IntPtr posWeight, long reduction);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_NN_mse_loss(TensorHandle input, TensorHandle target, long reduction);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_NN_pad(TensorHandle x, ReadOnlySpan<long> pad, int n, double value);

    [LibraryImport(Lib)]
    internal static partial int TS_NN_lstm(TensorHandle input, IntPtr h0, IntPtr c0, IntPtr[] parameters, int nparams, int hasBiases,
        long numLayers, double dropout, int train, int bidirectional, int batchFirst, long[]? lengths, long hiddenSize,
        out IntPtr output, out IntPtr hN, out IntPtr cN);

    [LibraryImport(Lib)]
    internal static partial int TS_NN_lstm_fused(TensorHandle input, long[]? lengths, IntPtr[] parameters, int bidirectional,
        out IntPtr output, out IntPtr hN, out IntPtr cN);

    [LibraryImport(Lib)]
    internal static partial int TS_NN_lstm_fused_gathered(IntPtr[] ids, int nInputs, IntPtr[] tables, long[]? lengths, IntPtr[] wHh, int bidirectional,
        out IntPtr output, out IntPtr hN, out IntPtr cN);

    [LibraryImport(Lib)]
    internal static partial int TS_NN_gru_fused(TensorHandle input, long[]? lengths, IntPtr[] parameters, int bidirectional, out IntPtr output, out IntPtr hN);

    [LibraryImport(Lib)]
    internal static partial int TS_NN_gru(TensorHandle input, IntPtr h0, IntPtr[] parameters, int nparams, int hasBiases,
        long numLayers, double dropout, int train, int bidirectional, int batchFirst, long[]? lengths, long hiddenSize,
        out IntPtr output, out IntPtr hN);
}
