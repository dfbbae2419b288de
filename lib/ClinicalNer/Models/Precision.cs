using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Models;

/// <summary>Where model parts need float32 whatever an autocast region handed them.</summary>
internal static class Precision
{
    /// <summary>
    /// Scores from an autocast region (bfloat16 or float16) in float32; any other tensor as it is (float32, and float64 in
    /// gradient checks). Losses, CRF sums over a whole sequence and the native kernels need float32's precision.
    /// </summary>
    public static Tensor InFloat32(Tensor t) => t.dtype is ScalarType.BFloat16 or ScalarType.Float16 ? t.to_type(ScalarType.Float32) : t;
}
