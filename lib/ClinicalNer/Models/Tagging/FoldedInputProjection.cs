using TorchBinding;
using TorchBinding.Extensions;
using TorchBinding.Modules;
using static TorchBinding.torch;

namespace ClinicalNer.Models.Tagging;

/// <summary>
/// The tagger's inference-time cache of its LSTM's input-gate tables (<see cref="SequenceKernels.InputGateTables"/>):
/// with the embeddings' products with W_ih computed once, decoding looks rows up instead of multiplying
/// every position's embedding by W_ih (about 40% of a BiLSTM-CRF's decoding FLOPs at emb 100, hidden 128).
/// The tables are rebuilt whenever an embedding table or an LSTM weight has changed since: the key is each
/// tensor's storage address and version counter, so optimizer steps, checkpoint loads and device moves are all seen.
/// </summary>
internal sealed class FoldedInputProjection : IDisposable
{
    private Tensor[]? tables;
    private (long Address, long Version)[] key = [];

    /// <summary>Tables for <paramref name="lstm"/> over <paramref name="embeddingWeights"/> (in input order), fresh.</summary>
    public Tensor[] Tables(LSTM lstm, IReadOnlyList<Tensor> embeddingWeights)
    {
        var now = embeddingWeights.Concat(lstm.parameters()).Select(t => (t.data_ptr(), t._version)).ToArray();
        if (tables is null || !now.AsSpan().SequenceEqual(key))
        {
            Dispose();
            tables = lstm.InputGateTables(embeddingWeights);
            key = now;
        }
        return tables;
    }

    /// <summary>Frees the tables (the next call rebuilds them).</summary>
    public void Dispose()
    {
        if (tables is null) return;
        foreach (var t in tables) t.Dispose();
        tables = null;
    }
}
