using static TorchBinding.Interop.NativeMethods;

namespace TorchBinding;

public static partial class torch
{
    // https://pytorch.org/docs/stable/torch.html#creation-ops
    private static Device Dev(Device? d) => d ?? CPU;

    /// <summary>Uninitialised tensor.</summary>
    public static Tensor empty(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        new(TS_Tensor_empty(size, size.Length, (int)(dtype ?? default_dtype), (int)Dev(device).type, Dev(device).index, requires_grad ? 1 : 0));
    /// <summary>Tensor of zeros.</summary>
    public static Tensor zeros(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        new(TS_Tensor_zeros(size, size.Length, (int)(dtype ?? default_dtype), (int)Dev(device).type, Dev(device).index, requires_grad ? 1 : 0));
    /// <summary>Tensor of zeros (float32, CPU).</summary>
    public static Tensor zeros(params long[] size) => zeros(size, null);
    /// <summary>Tensor of ones.</summary>
    public static Tensor ones(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        new(TS_Tensor_ones(size, size.Length, (int)(dtype ?? default_dtype), (int)Dev(device).type, Dev(device).index, requires_grad ? 1 : 0));
    /// <summary>Tensor of ones (float32, CPU).</summary>
    public static Tensor ones(params long[] size) => ones(size, null);
    /// <summary>Tensor filled with <paramref name="value"/>.</summary>
    public static Tensor full(long[] size, Scalar value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        new(TS_Tensor_full(size, size.Length, value.Native, (int)(dtype ?? default_dtype), (int)Dev(device).type, Dev(device).index, requires_grad ? 1 : 0));
    /// <summary>Identity matrix n × (m ?? n).</summary>
    public static Tensor eye(long n, long? m = null, ScalarType? dtype = null, Device? device = null) =>
        new(TS_Tensor_eye(n, m ?? n, (int)(dtype ?? default_dtype), (int)Dev(device).type, Dev(device).index, 0));
    /// <summary>[start, stop) with a step; int64 for integer arguments unless a dtype is given.</summary>
    public static Tensor arange(Scalar start, Scalar stop, Scalar? step = null, ScalarType? dtype = null, Device? device = null) =>
        new(TS_Tensor_arange(start.Native, stop.Native, (step ?? 1).Native, (int)(dtype ?? InferArangeType(start, stop, step)), (int)Dev(device).type, Dev(device).index, 0));
    /// <summary>[0, stop).</summary>
    public static Tensor arange(Scalar stop, ScalarType? dtype = null, Device? device = null) => arange(0, stop, 1, dtype, device);
    /// <summary>steps points evenly spaced over [start, end].</summary>
    public static Tensor linspace(double start, double end, long steps, ScalarType? dtype = null, Device? device = null) =>
        new(TS_Tensor_linspace(start, end, steps, (int)(dtype ?? default_dtype), (int)Dev(device).type, Dev(device).index, 0));
    /// <summary>U[0, 1) samples.</summary>
    public static Tensor rand(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        new(TS_Tensor_rand(size, size.Length, (int)(dtype ?? default_dtype), (int)Dev(device).type, Dev(device).index, requires_grad ? 1 : 0));
    /// <summary>U[0, 1) samples (float32, CPU).</summary>
    public static Tensor rand(params long[] size) => rand(size, null);
    /// <summary>N(0, 1) samples.</summary>
    public static Tensor randn(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        new(TS_Tensor_randn(size, size.Length, (int)(dtype ?? default_dtype), (int)Dev(device).type, Dev(device).index, requires_grad ? 1 : 0));
    /// <summary>N(0, 1) samples (float32, CPU).</summary>
    public static Tensor randn(params long[] size) => randn(size, null);
    /// <summary>Integers uniform in [low, high).</summary>
    public static Tensor randint(long low, long high, long[] size, ScalarType? dtype = null, Device? device = null) =>
        new(TS_Tensor_randint(low, high, size, size.Length, (int)(dtype ?? ScalarType.Int64), (int)Dev(device).type, Dev(device).index, 0));
    /// <summary>Integers uniform in [0, high).</summary>
    public static Tensor randint(long high, long[] size, ScalarType? dtype = null, Device? device = null) => randint(0, high, size, dtype, device);
    /// <summary>A random permutation of 0..n-1.</summary>
    public static Tensor randperm(long n, ScalarType? dtype = null, Device? device = null) =>
        new(TS_Tensor_randperm(n, (int)(dtype ?? ScalarType.Int64), (int)Dev(device).type, Dev(device).index, 0));
    /// <summary>Samples indices from each row of <paramref name="probs"/>.</summary>
    public static Tensor multinomial(Tensor probs, long num_samples, bool replacement = false) =>
        new(TS_Tensor_multinomial(probs.Handle, num_samples, replacement ? 1 : 0));

    /// <summary>Zeros shaped (and typed, placed) like <paramref name="t"/>.</summary>
    public static Tensor zeros_like(Tensor t, ScalarType? dtype = null) => zeros(t.shape, dtype ?? t.dtype, t.device);
    /// <summary>Ones shaped like <paramref name="t"/>.</summary>
    public static Tensor ones_like(Tensor t, ScalarType? dtype = null) => ones(t.shape, dtype ?? t.dtype, t.device);
    /// <summary>N(0,1) samples shaped like <paramref name="t"/>.</summary>
    public static Tensor randn_like(Tensor t) => randn(t.shape, t.dtype, t.device);
    /// <summary>A constant shaped like <paramref name="t"/>.</summary>
    public static Tensor full_like(Tensor t, Scalar value) => full(t.shape, value, t.dtype, t.device);
    /// <summary>Uninitialised, shaped like <paramref name="t"/>.</summary>
    public static Tensor empty_like(Tensor t) => empty(t.shape, t.dtype, t.device);

    // Python's arange gives int64 when every argument is an integer, else the default float dtype.
    private static ScalarType InferArangeType(Scalar start, Scalar stop, Scalar? step) =>
        start.IsIntegral && stop.IsIntegral && (step?.IsIntegral ?? true) ? ScalarType.Int64 : default_dtype;

    // ----- from .NET data (copied; the array is not retained) -----

    /// <summary>A tensor holding a copy of <paramref name="data"/>, shaped by <paramref name="dimensions"/> (default 1-D).</summary>
    /// <exception cref="ArgumentException">When the shape's element count differs from the data's length.</exception>
    public static unsafe Tensor tensor<T>(ReadOnlySpan<T> data, long[]? dimensions = null, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
        where T : unmanaged
    {
        long[] shape = dimensions ?? [data.Length];
        long count = 1;
        foreach (long d in shape) count *= d;
        if (count != data.Length)
            throw new ArgumentException($"shape [{string.Join(", ", shape)}] holds {count} elements but {data.Length} values were given", nameof(dimensions));
        ScalarType own = Tensor.ElementTypeOf<T>();
        Device dev = Dev(device);
        Tensor t;
        fixed (T* p = data)
        {
            t = new Tensor(TS_Tensor_from_data(p, shape, shape.Length, (int)own, (int)dev.type, dev.index, 0));
        }
        if (dtype is { } want && want != own)
        {
            Tensor converted = t.to_type(want);
            t.Dispose();
            t = converted;
        }
        if (requires_grad) t.requires_grad = true;
        return t;
    }

    /// <summary>A 1-D (or shaped) tensor from an array.</summary>
    public static Tensor tensor(float[] data, long[]? dimensions = null, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        tensor<float>(data, dimensions, dtype, device, requires_grad);
    /// <summary>A 1-D (or shaped) tensor from an array.</summary>
    public static Tensor tensor(double[] data, long[]? dimensions = null, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        tensor<double>(data, dimensions, dtype, device, requires_grad);
    /// <summary>A 1-D (or shaped) tensor from an array.</summary>
    public static Tensor tensor(long[] data, long[]? dimensions = null, ScalarType? dtype = null, Device? device = null) =>
        tensor<long>(data, dimensions, dtype, device);
    /// <summary>A 1-D (or shaped) tensor from an array.</summary>
    public static Tensor tensor(int[] data, long[]? dimensions = null, ScalarType? dtype = null, Device? device = null) =>
        tensor<int>(data, dimensions, dtype, device);
    /// <summary>A 1-D (or shaped) tensor from an array.</summary>
    public static Tensor tensor(bool[] data, long[]? dimensions = null, Device? device = null) =>
        tensor<bool>(data, dimensions, null, device);
    /// <summary>A 2-D tensor from a rectangular array.</summary>
    public static Tensor tensor(float[,] data, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        var flat = new float[data.Length];
        Buffer.BlockCopy(data, 0, flat, 0, data.Length * sizeof(float));
        return tensor<float>(flat, [data.GetLength(0), data.GetLength(1)], dtype, device, requires_grad);
    }
    /// <summary>A 2-D tensor from a rectangular array.</summary>
    public static Tensor tensor(long[,] data, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var flat = new long[data.Length];
        Buffer.BlockCopy(data, 0, flat, 0, data.Length * sizeof(long));
        return tensor<long>(flat, [data.GetLength(0), data.GetLength(1)], null, device);
    }
    /// <summary>A 0-d tensor.</summary>
    public static Tensor tensor(double value, ScalarType? dtype = null, Device? device = null) =>
        tensor<double>([value], [], dtype ?? default_dtype, device);
    /// <summary>A 0-d int64 tensor.</summary>
    public static Tensor tensor(long value, Device? device = null) => tensor<long>([value], [], null, device);
}
