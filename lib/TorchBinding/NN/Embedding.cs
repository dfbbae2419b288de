using static TorchBinding.Interop.NativeMethods;
using static TorchBinding.torch.nn;
using static TorchBinding.torch;

namespace TorchBinding.Modules
{
    /// <summary>A lookup table (num_embeddings, embedding_dim), N(0,1) initialised; the padding row is zero and gets no gradient.</summary>
    public sealed class Embedding : Module<Tensor, Tensor>
    {
        /// <summary>Creates the table.</summary>
        public Embedding(long num_embeddings, long embedding_dim, long? padding_idx = null, Device? device = null, ScalarType? dtype = null) : base(nameof(Embedding))
        {
            if (padding_idx is { } p && (p < -num_embeddings || p >= num_embeddings))
                throw new ArgumentOutOfRangeException(nameof(padding_idx), $"padding_idx {p} is outside [0, {num_embeddings})");
            PaddingIdx = padding_idx is { } q && q < 0 ? q + num_embeddings : padding_idx;
            using (no_grad())
            {
                using Tensor w = randn([num_embeddings, embedding_dim], dtype, device);
                if (PaddingIdx is { } pad) w[pad].fill_(0).Dispose();
                weight = new Parameter(w);
            }
            register_parameter("weight", weight);
        }

        /// <summary>(num_embeddings, embedding_dim)</summary>
        public Parameter weight { get; }
        /// <summary>Row that stays zero and receives no gradient, or null.</summary>
        public long? PaddingIdx { get; }

        /// <param name="input">int64 indices, any shape (*)</param>
        /// <returns>(*, embedding_dim)</returns>
        public override Tensor forward(Tensor input) => functional.embedding(input, weight, PaddingIdx);

        /// <inheritdoc/>
        protected override string ExtraRepr() => $"{weight.shape[0]}, {weight.shape[1]}" + (PaddingIdx is { } p ? $", padding_idx={p}" : "");
    }
}

namespace TorchBinding
{
    using TorchBinding.Modules;

    public static partial class torch
    {
        public static partial class nn
        {
            /// <summary>Creates an <see cref="Modules.Embedding"/>.</summary>
            public static Embedding Embedding(long num_embeddings, long embedding_dim, long? padding_idx = null, Device? device = null, ScalarType? dtype = null) =>
                new(num_embeddings, embedding_dim, padding_idx, device, dtype);

            /// <summary>
            /// An embedding initialised from pretrained vectors (e.g. word2vec), as
            /// <c>nn.Embedding.from_pretrained</c>; <paramref name="freeze"/> stops training them.
            /// </summary>
            /// <param name="embeddings">(num_embeddings, embedding_dim), copied.</param>
        /// <param name="freeze">True keeps the vectors fixed (requires_grad false).</param>
        /// <param name="padding_idx">Row that receives no gradient, or null.</param>
            public static Embedding Embedding_from_pretrained(Tensor embeddings, bool freeze = true, long? padding_idx = null)
            {
                ArgumentNullException.ThrowIfNull(embeddings);
                if (embeddings.ndim != 2) throw new ArgumentException($"pretrained embeddings must be 2-D (num_embeddings, dim), got {embeddings.ndim}-D", nameof(embeddings));
                long[] s = embeddings.shape;
                var e = new Embedding(s[0], s[1], padding_idx, embeddings.device, embeddings.dtype);
                using (no_grad()) e.weight.copy_(embeddings);
                e.weight.requires_grad = !freeze;
                return e;
            }

            public static partial class functional
            {
                /// <summary>Rows of <paramref name="weight"/> at <paramref name="input"/>.</summary>
                public static Tensor embedding(Tensor input, Tensor weight, long? padding_idx = null) =>
                    new(TS_NN_embedding(weight.Handle, input.Handle, padding_idx ?? -1));
            }
        }
    }
}
