using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using TorchBinding.Interop;
using static TorchBinding.Interop.NativeMethods;

namespace TorchBinding;

public static partial class torch
{
    /// <summary>Autograd utilities, as <c>torch.autograd</c>.</summary>
    public static partial class autograd
    {
        /// <summary>libtorch's operator profiler, as <c>torch.autograd.profiler</c> (CPU time per operator).</summary>
        public static class profiler
        {
            /// <summary>
            /// Records every libtorch operator this thread runs (forward and CPU backward) until the result is disposed:
            /// <c>using (var p = torch.autograd.profiler.profile()) { step(); } Console.Write(p.table());</c>.
            /// The binding's own fused kernels (LSTM, GRU, dropout, Adam, the small-op short path) are not libtorch
            /// operators and show only as the time of the operators around them.
            /// </summary>
            /// <param name="record_shapes">Tell operators apart by their input shapes too (PyTorch's group_by_input_shape).</param>
            /// <exception cref="InvalidOperationException">When this thread is already being profiled.</exception>
            public static Profile profile(bool record_shapes = false)
            {
                if (TS_profiler_enabled() != 0) throw new InvalidOperationException("this thread is already being profiled: dispose the running profile first");
                NativeError.Check(TS_profiler_start(record_shapes ? 1 : 0));
                return new Profile();
            }
        }
    }

    /// <summary>One operator's totals in a profile, as a row of PyTorch's <c>key_averages()</c>.</summary>
    /// <param name="Name">The operator (e.g. <c>aten::addmm</c>) or autograd node (e.g. <c>AddmmBackward0</c>), followed by its input
    /// shapes (<c>aten::add [16, 128, 256] [16, 128, 256]</c>) when the profile records them.</param>
    /// <param name="Calls">How many times it ran.</param>
    /// <param name="TotalUs">Inclusive CPU time, microseconds.</param>
    /// <param name="SelfUs">Time not spent in operators it called, microseconds.</param>
    public sealed record ProfiledOp(string Name, long Calls, double TotalUs, double SelfUs);

    /// <summary>A running, then finished, operator profile (see <see cref="autograd.profiler.profile"/>).</summary>
    public sealed class Profile : IDisposable
    {
        private List<ProfiledOp>? ops;

        internal Profile() { }

        /// <summary>Stops recording (once) and keeps the per-operator totals.</summary>
        public void Dispose()
        {
            if (ops is not null) return;
            IntPtr text = TS_profiler_stop();
            if (text == IntPtr.Zero) NativeError.Throw();
            try { ops = Parse(Marshal.PtrToStringUTF8(text) ?? ""); }
            finally { TS_free_error(text); }
        }

        /// <summary>Per operator: calls, inclusive and self time; largest self time first.</summary>
        /// <exception cref="InvalidOperationException">While the profile is still recording.</exception>
        public IReadOnlyList<ProfiledOp> key_averages() =>
            ops ?? throw new InvalidOperationException("the profile is still recording: dispose it (end its using block) first");

        /// <summary>The summed self time of every operator: the CPU time spent inside libtorch operators, microseconds.</summary>
        public double self_cpu_time_total => key_averages().Sum(o => o.SelfUs);

        /// <summary>The <paramref name="row_limit"/> operators with the largest self time, as a text table with shares.</summary>
        public string table(int row_limit = 20)
        {
            var rows = key_averages();
            double total = Math.Max(self_cpu_time_total, 1e-9);
            var text = new StringBuilder();
            text.AppendLine(CultureInfo.InvariantCulture, $"{"operator",-60} {"calls",8} {"self ms",10} {"self %",7} {"total ms",10}");
            foreach (var op in rows.Take(row_limit))
                text.AppendLine(CultureInfo.InvariantCulture, $"{Clip(op.Name, 60),-60} {op.Calls,8} {op.SelfUs / 1000,10:F2} {100 * op.SelfUs / total,7:F1} {op.TotalUs / 1000,10:F2}");
            text.AppendLine(CultureInfo.InvariantCulture, $"{"self time in libtorch operators",-60} {"",8} {total / 1000,10:F2}");
            return text.ToString();
        }

        private static string Clip(string s, int width) => s.Length <= width ? s : s[..(width - 1)] + "…";

        private static List<ProfiledOp> Parse(string text) =>
            [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split('\t'))
                .Select(f => new ProfiledOp(f[0], long.Parse(f[1], CultureInfo.InvariantCulture),
                    double.Parse(f[2], NumberStyles.Float, CultureInfo.InvariantCulture), double.Parse(f[3], NumberStyles.Float, CultureInfo.InvariantCulture)))
                .OrderByDescending(o => o.SelfUs)];
    }
}
