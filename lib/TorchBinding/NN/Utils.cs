using TorchBinding.Interop;
using static TorchBinding.Interop.NativeMethods;

namespace TorchBinding;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>Gradient utilities, as <c>torch.nn.utils</c>.</summary>
        public static class utils
        {
            /// <summary>Scales gradients so their joint norm is at most <paramref name="max_norm"/>.</summary>
            /// <returns>The joint norm before clipping.</returns>
            public static double clip_grad_norm_(IEnumerable<Tensor> parameters, double max_norm, double norm_type = 2.0)
            {
                ArgumentNullException.ThrowIfNull(parameters);
                var list = parameters.ToList();
                NativeError.Check(TS_Autograd_clip_grad_norm_(Pointers(list), list.Count, max_norm, norm_type, out double total));
                GC.KeepAlive(list);
                return total;
            }
        }

        /// <summary>Initialisers, as <c>torch.nn.init</c>.</summary>
        public static class init
        {
            /// <summary>U(a, b) in place.</summary>
            public static Tensor uniform_(Tensor t, double a = 0, double b = 1) { using (no_grad()) return t.uniform_(a, b); }
            /// <summary>N(mean, std²) in place.</summary>
            public static Tensor normal_(Tensor t, double mean = 0, double std = 1) { using (no_grad()) return t.normal_(mean, std); }
            /// <summary>Zeros in place.</summary>
            public static Tensor zeros_(Tensor t) { using (no_grad()) return t.zero_(); }
            /// <summary>Ones in place.</summary>
            public static Tensor ones_(Tensor t) { using (no_grad()) return t.fill_(1); }
            /// <summary>Xavier/Glorot uniform for a 2-D weight (out, in).</summary>
            public static Tensor xavier_uniform_(Tensor t, double gain = 1)
            {
                long[] s = t.shape;
                if (s.Length < 2) throw new ArgumentException("xavier_uniform_ needs at least 2 dimensions", nameof(t));
                long receptive = 1;
                for (int k = 2; k < s.Length; k++) receptive *= s[k];
                double fanIn = s[1] * receptive, fanOut = s[0] * receptive;
                double bound = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
                return uniform_(t, -bound, bound);
            }
        }
    }
}
