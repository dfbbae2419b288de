using System.Runtime.InteropServices;

namespace TorchBinding.Interop;

internal static partial class NativeMethods
{
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_neg(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_abs(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_exp(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_log(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_log1p(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_sqrt(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_rsqrt(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_sin(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_cos(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_tanh(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_sigmoid(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_relu(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_sign(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_floor(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_ceil(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_round(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_reciprocal(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_erf(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_square(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_logical_not(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_isnan(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_isinf(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_log_sigmoid(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_gelu(TensorHandle t, int tanhApprox);

    [LibraryImport(Lib)] internal static partial int TS_Tensor_neg_(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_exp_(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_sqrt_(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_relu_(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_zero_(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_tanh_(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_sigmoid_(TensorHandle t);

    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_add(TensorHandle a, TensorHandle b, NativeScalar alpha);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_sub(TensorHandle a, TensorHandle b, NativeScalar alpha);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_mul(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_div(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_pow(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_maximum(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_minimum(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_remainder(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_logical_and(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_logical_or(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_logical_xor(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_bitwise_and(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_bitwise_or(TensorHandle a, TensorHandle b);

    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_add_scalar(TensorHandle a, NativeScalar b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_sub_scalar(TensorHandle a, NativeScalar b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_rsub_scalar(TensorHandle a, NativeScalar b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_mul_scalar(TensorHandle a, NativeScalar b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_div_scalar(TensorHandle a, NativeScalar b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_rdiv_scalar(TensorHandle a, NativeScalar b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_pow_scalar(TensorHandle a, NativeScalar b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_remainder_scalar(TensorHandle a, NativeScalar b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_clamp(TensorHandle t, NativeScalar min, int hasMin, NativeScalar max, int hasMax);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_where(TensorHandle cond, TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_lerp(TensorHandle a, TensorHandle end, NativeScalar weight);

    [LibraryImport(Lib)] internal static partial int TS_Tensor_add_(TensorHandle a, TensorHandle b, NativeScalar alpha);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_sub_(TensorHandle a, TensorHandle b, NativeScalar alpha);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_mul_(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_div_(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_add_scalar_(TensorHandle a, NativeScalar b);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_mul_scalar_(TensorHandle a, NativeScalar b);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_div_scalar_(TensorHandle a, NativeScalar b);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_fill_(TensorHandle a, NativeScalar value);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_copy_(TensorHandle a, TensorHandle src);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_addcmul_(TensorHandle a, TensorHandle t1, TensorHandle t2, NativeScalar value);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_addcdiv_(TensorHandle a, TensorHandle t1, TensorHandle t2, NativeScalar value);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_lerp_(TensorHandle a, TensorHandle end, NativeScalar weight);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_clamp_(TensorHandle t, NativeScalar min, int hasMin, NativeScalar max, int hasMax);

    // Comparison
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_eq(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_ne(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_lt(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_le(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_gt(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_ge(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_eq_scalar(TensorHandle a, NativeScalar b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_ne_scalar(TensorHandle a, NativeScalar b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_lt_scalar(TensorHandle a, NativeScalar b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_le_scalar(TensorHandle a, NativeScalar b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_gt_scalar(TensorHandle a, NativeScalar b);
    [LibraryImport(Lib)] internal static partial TensorHandle TS_Tensor_ge_scalar(TensorHandle a, NativeScalar b);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_equal(TensorHandle a, TensorHandle b, out int result);
    [LibraryImport(Lib)] internal static partial int TS_Tensor_allclose(TensorHandle a, TensorHandle b, double rtol, double atol, int equalNan, out int result);
}
