using System.Globalization;
using System.Text;

namespace TorchBinding;

public static partial class torch
{
    public partial class Tensor
    {
        private const int PrintLineWidth = 80;
        private const int SummarizeThreshold = 1000;
        private const int EdgeItems = 3;

        /// <summary>
        /// The values as PyTorch prints them: <c>tensor([[ 1.0000, -0.5000]], dtype=torch.float64)</c>;
        /// 4 decimals, scientific notation for wide ranges, integral floats as "1.", "..." past 1000 elements.
        /// </summary>
        public override string ToString()
        {
            if (IsInvalid) return "tensor(<disposed>)";
            long[] shape = this.shape;
            ScalarType type = dtype;
            var values = HostValues(type);
            bool summarize = values.Length > SummarizeThreshold;
            // As PyTorch, the format (fixed/scientific, width) is chosen from the elements shown.
            var shown = summarize && shape.Length > 0 ? ShownValues(values, shape) : values;
            Func<double, string> format = ElementFormatter(shown, type);
            int width = 0;
            foreach (double v in shown) width = Math.Max(width, format(v).Length);

            var sb = new StringBuilder("tensor(");
            long numel = values.Length;
            if (shape.Length == 0) sb.Append(format(values[0]));
            else if (numel == 0) sb.Append("[]");
            else
            {
                AppendLevel(sb, values, shape, 0, 0, "tensor(".Length + 1, width, format, summarize);
            }

            var suffix = new List<string>();
            if (numel == 0 && shape.Length > 1) suffix.Add("size=(" + string.Join(", ", shape) + ")");
            if (device_type != DeviceType.CPU) suffix.Add($"device='{device}'");
            if (type is not (ScalarType.Float32 or ScalarType.Int64 or ScalarType.Bool)) suffix.Add("dtype=" + DTypeName(type));
            string? fn = grad_fn;
            if (fn is not null) suffix.Add($"grad_fn=<{fn}>");
            else if (requires_grad) suffix.Add("requires_grad=True");
            foreach (string s in suffix) sb.Append(", ").Append(s);
            return sb.Append(')').ToString();
        }

        private double[] HostValues(ScalarType type)
        {
            using var asDouble = type == ScalarType.Float64 ? detach() : detach().to_type(ScalarType.Float64);
            return asDouble.data<double>();
        }

        private static double[] ShownValues(double[] values, long[] shape)
        {
            var shown = new List<double>();
            Collect(0, 0);
            return shown.ToArray();

            void Collect(int dim, long offset)
            {
                long stride = 1;
                for (int d = dim + 1; d < shape.Length; d++) stride *= shape[d];
                foreach (long k in EdgeIndices(shape[dim], summarize: true))
                {
                    if (dim == shape.Length - 1) shown.Add(values[offset + k]);
                    else Collect(dim + 1, offset + k * stride);
                }
            }
        }

        private static IEnumerable<long> EdgeIndices(long n, bool summarize)
        {
            bool cut = summarize && n > 2 * EdgeItems;
            for (long k = 0; k < n; k++)
                if (!cut || k < EdgeItems || k >= n - EdgeItems) yield return k;
        }

        private static Func<double, string> ElementFormatter(double[] values, ScalarType type)
        {
            var inv = CultureInfo.InvariantCulture;
            if (type == ScalarType.Bool) return v => v != 0 ? "True" : "False";
            if (!IsFloatingPoint(type)) return v => ((long)v).ToString(inv);

            double maxAbs = 0, minAbs = double.MaxValue;
            bool integral = true, any = false;
            foreach (double v in values)
            {
                if (double.IsNaN(v) || double.IsInfinity(v) || v == 0) continue;
                any = true;
                double a = Math.Abs(v);
                maxAbs = Math.Max(maxAbs, a);
                minAbs = Math.Min(minAbs, a);
                if (v != Math.Ceiling(v)) integral = false;
            }
            bool sci = any && (integral ? maxAbs > 1e8 : maxAbs / minAbs > 1000 || maxAbs > 1e8 || minAbs < 1e-4);
            return v =>
            {
                if (double.IsNaN(v)) return "nan";
                if (double.IsPositiveInfinity(v)) return "inf";
                if (double.IsNegativeInfinity(v)) return "-inf";
                if (sci) return v.ToString("0.0000e+00", inv);
                if (integral) return v.ToString("0", inv) + ".";
                return v.ToString("0.0000", inv);
            };
        }

        private static void AppendLevel(StringBuilder sb, double[] values, long[] shape, int dim, long offset, int indent, int width,
            Func<double, string> format, bool summarize)
        {
            long n = shape[dim];
            long stride = 1;
            for (int d = dim + 1; d < shape.Length; d++) stride *= shape[d];
            // null marks the elided middle.
            var items = new List<long?>();
            foreach (long k in EdgeIndices(n, summarize))
            {
                if (items.Count > 0 && items[^1] is long last && k != last + 1) items.Add(null);
                items.Add(k);
            }

            sb.Append('[');
            if (dim == shape.Length - 1)
            {
                int perLine = Math.Max(1, (PrintLineWidth - indent) / (width + 2));
                for (int i = 0; i < items.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                        if (i % perLine == 0) sb.Append('\n').Append(' ', indent);
                        else sb.Append(' ');
                    }
                    // PyTorch writes the elision in a row as " ..." (one more space than between rows).
                    sb.Append(items[i] is long k ? format(values[offset + k]).PadLeft(width) : " ...");
                }
            }
            else
            {
                string separator = "," + new string('\n', shape.Length - dim - 1) + new string(' ', indent);
                for (int i = 0; i < items.Count; i++)
                {
                    if (i > 0) sb.Append(separator);
                    if (items[i] is long k) AppendLevel(sb, values, shape, dim + 1, offset + k * stride, indent + 1, width, format, summarize);
                    else sb.Append("...");
                }
            }
            sb.Append(']');
        }
    }
}
