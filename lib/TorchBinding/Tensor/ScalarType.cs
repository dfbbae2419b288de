namespace TorchBinding;

public static partial class torch
{
    /// <summary>Element types; the values are libtorch's <c>c10::ScalarType</c> codes (as in TorchSharp).</summary>
    public enum ScalarType : sbyte
    {
        /// <summary>uint8</summary>
        Byte = 0,
        /// <summary>int8</summary>
        Int8 = 1,
        /// <summary>int16</summary>
        Int16 = 2,
        /// <summary>int32</summary>
        Int32 = 3,
        /// <summary>int64</summary>
        Int64 = 4,
        /// <summary>float16</summary>
        Float16 = 5,
        /// <summary>float32</summary>
        Float32 = 6,
        /// <summary>float64</summary>
        Float64 = 7,
        /// <summary>bool</summary>
        Bool = 11,
        /// <summary>bfloat16</summary>
        BFloat16 = 15,
    }

#pragma warning disable CA2211 // PyTorch-style dtype aliases (torch.float32) are deliberately plain fields.
    /// <summary>Alias of <see cref="ScalarType.Float32"/>.</summary>
    public static readonly ScalarType float32 = ScalarType.Float32;
    /// <summary>Alias of <see cref="ScalarType.Float64"/>.</summary>
    public static readonly ScalarType float64 = ScalarType.Float64;
    /// <summary>Alias of <see cref="ScalarType.Float16"/>.</summary>
    public static readonly ScalarType float16 = ScalarType.Float16;
    /// <summary>Alias of <see cref="ScalarType.BFloat16"/>.</summary>
    public static readonly ScalarType bfloat16 = ScalarType.BFloat16;
    /// <summary>Alias of <see cref="ScalarType.Int64"/>.</summary>
    public static readonly ScalarType int64 = ScalarType.Int64;
    /// <summary>Alias of <see cref="ScalarType.Int32"/>.</summary>
    public static readonly ScalarType int32 = ScalarType.Int32;
    /// <summary>Alias of <see cref="ScalarType.Byte"/>.</summary>
    public static readonly ScalarType uint8 = ScalarType.Byte;
    /// <summary>Alias of <see cref="ScalarType.Bool"/>.</summary>
    public static readonly ScalarType @bool = ScalarType.Bool;
#pragma warning restore CA2211

    /// <summary>The default floating dtype (float32, as PyTorch's default).</summary>
    public static ScalarType default_dtype => ScalarType.Float32;

    internal static bool IsFloatingPoint(ScalarType t) =>
        t is ScalarType.Float16 or ScalarType.Float32 or ScalarType.Float64 or ScalarType.BFloat16;

    internal static int ElementSize(ScalarType t) => t switch
    {
        ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "unsupported dtype"),
    };

    /// <summary>PyTorch's spelling of a dtype ("torch.float32").</summary>
    internal static string DTypeName(ScalarType t) => t switch
    {
        ScalarType.Byte => "torch.uint8",
        ScalarType.Int8 => "torch.int8",
        ScalarType.Int16 => "torch.int16",
        ScalarType.Int32 => "torch.int32",
        ScalarType.Int64 => "torch.int64",
        ScalarType.Float16 => "torch.float16",
        ScalarType.Float32 => "torch.float32",
        ScalarType.Float64 => "torch.float64",
        ScalarType.Bool => "torch.bool",
        ScalarType.BFloat16 => "torch.bfloat16",
        _ => t.ToString(),
    };
}
