using TorchBinding.Interop;
using static TorchBinding.Interop.NativeMethods;

namespace TorchBinding;

public static partial class torch
{
    public partial class Tensor
    {
        // https://pytorch.org/docs/stable/torch.html#pointwise-ops
        /// <summary>-x</summary>
        public Tensor neg() => new(TS_Tensor_neg(Handle));
        /// <summary>|x|</summary>
        public Tensor abs() => new(TS_Tensor_abs(Handle));
        /// <summary>e^x</summary>
        public Tensor exp() => new(TS_Tensor_exp(Handle));
        /// <summary>ln x</summary>
        public Tensor log() => new(TS_Tensor_log(Handle));
        /// <summary>ln(1 + x)</summary>
        public Tensor log1p() => new(TS_Tensor_log1p(Handle));
        /// <summary>√x</summary>
        public Tensor sqrt() => new(TS_Tensor_sqrt(Handle));
        /// <summary>1/√x</summary>
        public Tensor rsqrt() => new(TS_Tensor_rsqrt(Handle));
        /// <summary>sin x</summary>
        public Tensor sin() => new(TS_Tensor_sin(Handle));
        /// <summary>cos x</summary>
        public Tensor cos() => new(TS_Tensor_cos(Handle));
        /// <summary>tanh x</summary>
        public Tensor tanh() => new(TS_Tensor_tanh(Handle));
        /// <summary>1/(1+e^-x)</summary>
        public Tensor sigmoid() => new(TS_Tensor_sigmoid(Handle));
        /// <summary>max(x, 0)</summary>
        public Tensor relu() => new(TS_Tensor_relu(Handle));
        /// <summary>log σ(x), computed stably.</summary>
        public Tensor log_sigmoid() => new(TS_Tensor_log_sigmoid(Handle));
        /// <summary>GELU, exact (erf) unless <paramref name="tanh_approximation"/>.</summary>
        public Tensor gelu(bool tanh_approximation = false) =>
            !tanh_approximation && backends.fused.Gelu && device_type == DeviceType.CPU && dtype == ScalarType.Float32
                ? new(TS_NN_gelu_fast(Handle))   // the binding's vectorised kernel (torch.backends.FusedKernels.Gelu)
                : new(TS_Tensor_gelu(Handle, tanh_approximation ? 1 : 0));
        /// <summary>sign x</summary>
        public Tensor sign() => new(TS_Tensor_sign(Handle));
        /// <summary>⌊x⌋</summary>
        public Tensor floor() => new(TS_Tensor_floor(Handle));
        /// <summary>⌈x⌉</summary>
        public Tensor ceil() => new(TS_Tensor_ceil(Handle));
        /// <summary>Round half to even.</summary>
        public Tensor round() => new(TS_Tensor_round(Handle));
        /// <summary>1/x</summary>
        public Tensor reciprocal() => new(TS_Tensor_reciprocal(Handle));
        /// <summary>erf x</summary>
        public Tensor erf() => new(TS_Tensor_erf(Handle));
        /// <summary>x²</summary>
        public Tensor square() => new(TS_Tensor_square(Handle));
        /// <summary>Elementwise not.</summary>
        public Tensor logical_not() => new(TS_Tensor_logical_not(Handle));
        /// <summary>Where x is NaN.</summary>
        public Tensor isnan() => new(TS_Tensor_isnan(Handle));
        /// <summary>Where x is ±∞.</summary>
        public Tensor isinf() => new(TS_Tensor_isinf(Handle));

        /// <summary>x + alpha·y (broadcasting).</summary>
        public Tensor add(Tensor other, Scalar? alpha = null) => new(TS_Tensor_add(Handle, other.Handle, (alpha ?? 1).Native));
        /// <summary>x + s</summary>
        public Tensor add(Scalar other) => new(TS_Tensor_add_scalar(Handle, other.Native));
        /// <summary>x - alpha·y</summary>
        public Tensor sub(Tensor other, Scalar? alpha = null) => new(TS_Tensor_sub(Handle, other.Handle, (alpha ?? 1).Native));
        /// <summary>x - s</summary>
        public Tensor sub(Scalar other) => new(TS_Tensor_sub_scalar(Handle, other.Native));
        /// <summary>x · y</summary>
        public Tensor mul(Tensor other) => new(TS_Tensor_mul(Handle, other.Handle));
        /// <summary>x · s</summary>
        public Tensor mul(Scalar other) => new(TS_Tensor_mul_scalar(Handle, other.Native));
        /// <summary>x / y (true division)</summary>
        public Tensor div(Tensor other) => new(TS_Tensor_div(Handle, other.Handle));
        /// <summary>x / s (true division)</summary>
        public Tensor div(Scalar other) => new(TS_Tensor_div_scalar(Handle, other.Native));
        /// <summary>x ^ y</summary>
        public Tensor pow(Tensor exponent) => new(TS_Tensor_pow(Handle, exponent.Handle));
        /// <summary>x ^ s</summary>
        public Tensor pow(Scalar exponent) => new(TS_Tensor_pow_scalar(Handle, exponent.Native));
        /// <summary>Elementwise maximum.</summary>
        public Tensor maximum(Tensor other) => new(TS_Tensor_maximum(Handle, other.Handle));
        /// <summary>Elementwise minimum.</summary>
        public Tensor minimum(Tensor other) => new(TS_Tensor_minimum(Handle, other.Handle));
        /// <summary>Python's modulo (sign of the divisor).</summary>
        public Tensor remainder(Tensor other) => new(TS_Tensor_remainder(Handle, other.Handle));
        /// <summary>Python's modulo by a scalar.</summary>
        public Tensor remainder(Scalar other) => new(TS_Tensor_remainder_scalar(Handle, other.Native));
        /// <summary>Elementwise and.</summary>
        public Tensor logical_and(Tensor other) => new(TS_Tensor_logical_and(Handle, other.Handle));
        /// <summary>Elementwise or.</summary>
        public Tensor logical_or(Tensor other) => new(TS_Tensor_logical_or(Handle, other.Handle));
        /// <summary>Elementwise xor.</summary>
        public Tensor logical_xor(Tensor other) => new(TS_Tensor_logical_xor(Handle, other.Handle));
        /// <summary>Bitwise (or boolean) and.</summary>
        public Tensor bitwise_and(Tensor other) => new(TS_Tensor_bitwise_and(Handle, other.Handle));
        /// <summary>Bitwise (or boolean) or.</summary>
        public Tensor bitwise_or(Tensor other) => new(TS_Tensor_bitwise_or(Handle, other.Handle));

        /// <summary>Clamps into [min, max]; either bound may be omitted.</summary>
        public Tensor clamp(Scalar? min = null, Scalar? max = null) =>
            new(TS_Tensor_clamp(Handle, (min ?? 0).Native, min.HasValue ? 1 : 0, (max ?? 0).Native, max.HasValue ? 1 : 0));
        /// <summary>Clamps below.</summary>
        public Tensor clamp_min(Scalar min) => clamp(min, null);
        /// <summary>Clamps above.</summary>
        public Tensor clamp_max(Scalar max) => clamp(null, max);
        /// <summary>x + weight·(end - x)</summary>
        public Tensor lerp(Tensor end, Scalar weight) => new(TS_Tensor_lerp(Handle, end.Handle, weight.Native));

        // ----- in place (the optimizers' vocabulary); each returns this tensor -----

        private Tensor InPlace(int status)
        {
            NativeError.Check(status);
            return this;
        }

        /// <summary>x ← -x</summary>
        public Tensor neg_() => InPlace(TS_Tensor_neg_(Handle));
        /// <summary>x ← e^x</summary>
        public Tensor exp_() => InPlace(TS_Tensor_exp_(Handle));
        /// <summary>x ← √x</summary>
        public Tensor sqrt_() => InPlace(TS_Tensor_sqrt_(Handle));
        /// <summary>x ← max(x, 0)</summary>
        public Tensor relu_() => InPlace(TS_Tensor_relu_(Handle));
        /// <summary>x ← tanh x</summary>
        public Tensor tanh_() => InPlace(TS_Tensor_tanh_(Handle));
        /// <summary>x ← σ(x)</summary>
        public Tensor sigmoid_() => InPlace(TS_Tensor_sigmoid_(Handle));
        /// <summary>x ← 0</summary>
        public Tensor zero_() => InPlace(TS_Tensor_zero_(Handle));
        /// <summary>x ← v</summary>
        public Tensor fill_(Scalar value) => InPlace(TS_Tensor_fill_(Handle, value.Native));
        /// <summary>x ← src (broadcast, converted)</summary>
        public Tensor copy_(Tensor src) => InPlace(TS_Tensor_copy_(Handle, src.Handle));
        /// <summary>x ← x + alpha·y</summary>
        public Tensor add_(Tensor other, Scalar? alpha = null) => InPlace(TS_Tensor_add_(Handle, other.Handle, (alpha ?? 1).Native));
        /// <summary>x ← x + s</summary>
        public Tensor add_(Scalar other) => InPlace(TS_Tensor_add_scalar_(Handle, other.Native));
        /// <summary>x ← x - alpha·y</summary>
        public Tensor sub_(Tensor other, Scalar? alpha = null) => InPlace(TS_Tensor_sub_(Handle, other.Handle, (alpha ?? 1).Native));
        /// <summary>x ← x · y</summary>
        public Tensor mul_(Tensor other) => InPlace(TS_Tensor_mul_(Handle, other.Handle));
        /// <summary>x ← x · s</summary>
        public Tensor mul_(Scalar other) => InPlace(TS_Tensor_mul_scalar_(Handle, other.Native));
        /// <summary>x ← x / y</summary>
        public Tensor div_(Tensor other) => InPlace(TS_Tensor_div_(Handle, other.Handle));
        /// <summary>x ← x / s</summary>
        public Tensor div_(Scalar other) => InPlace(TS_Tensor_div_scalar_(Handle, other.Native));
        /// <summary>x ← x + value·t1·t2</summary>
        public Tensor addcmul_(Tensor tensor1, Tensor tensor2, Scalar? value = null) =>
            InPlace(TS_Tensor_addcmul_(Handle, tensor1.Handle, tensor2.Handle, (value ?? 1).Native));
        /// <summary>x ← x + value·t1/t2</summary>
        public Tensor addcdiv_(Tensor tensor1, Tensor tensor2, Scalar? value = null) =>
            InPlace(TS_Tensor_addcdiv_(Handle, tensor1.Handle, tensor2.Handle, (value ?? 1).Native));
        /// <summary>x ← x + weight·(end - x)</summary>
        public Tensor lerp_(Tensor end, Scalar weight) => InPlace(TS_Tensor_lerp_(Handle, end.Handle, weight.Native));
        /// <summary>Clamps in place.</summary>
        public Tensor clamp_(Scalar? min = null, Scalar? max = null) =>
            InPlace(TS_Tensor_clamp_(Handle, (min ?? 0).Native, min.HasValue ? 1 : 0, (max ?? 0).Native, max.HasValue ? 1 : 0));
        /// <summary>Fills with U(from, to) samples.</summary>
        public Tensor uniform_(double from = 0, double to = 1) => InPlace(TS_Tensor_uniform_(Handle, from, to));
        /// <summary>Fills with N(mean, std²) samples.</summary>
        public Tensor normal_(double mean = 0, double std = 1) => InPlace(TS_Tensor_normal_(Handle, mean, std));
        /// <summary>Fills with Bernoulli(p) samples.</summary>
        public Tensor bernoulli_(double p = 0.5) => InPlace(TS_Tensor_bernoulli_(Handle, p));
        /// <summary>Sets elements where <paramref name="mask"/> is true.</summary>
        public Tensor masked_fill_(Tensor mask, Scalar value) => InPlace(TS_Tensor_masked_fill_(Handle, mask.Handle, value.Native));
    }

    /// <summary>where(cond, a, b): a where cond is true, else b.</summary>
    public static Tensor where(Tensor condition, Tensor x, Tensor y) => new(TS_Tensor_where(condition.Handle, x.Handle, y.Handle));
    /// <summary>Elementwise maximum.</summary>
    public static Tensor maximum(Tensor a, Tensor b) => a.maximum(b);
    /// <summary>Elementwise minimum.</summary>
    public static Tensor minimum(Tensor a, Tensor b) => a.minimum(b);
    /// <summary>e^x</summary>
    public static Tensor exp(Tensor x) => x.exp();
    /// <summary>ln x</summary>
    public static Tensor log(Tensor x) => x.log();
    /// <summary>√x</summary>
    public static Tensor sqrt(Tensor x) => x.sqrt();
    /// <summary>tanh x</summary>
    public static Tensor tanh(Tensor x) => x.tanh();
    /// <summary>σ(x)</summary>
    public static Tensor sigmoid(Tensor x) => x.sigmoid();
    /// <summary>|x|</summary>
    public static Tensor abs(Tensor x) => x.abs();
    /// <summary>Clamps into [min, max].</summary>
    public static Tensor clamp(Tensor x, Scalar? min = null, Scalar? max = null) => x.clamp(min, max);
}
