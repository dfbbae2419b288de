using TorchBinding.Interop;
using static TorchBinding.Interop.NativeMethods;

namespace TorchBinding;

public static partial class torch
{
    public static partial class nn
    {
        public static partial class functional
        {
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
            public static (int[][] Paths, double[] Scores) crf_viterbi(Tensor emissions, Tensor mask, Tensor transitions, Tensor start, Tensor end)
            {
                ArgumentNullException.ThrowIfNull(emissions);
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
        }
    }
}
