using TorchBinding.Interop;

namespace TorchBinding;

public static partial class torch
{
    /// <summary>
    /// A Python-number-like scalar: integer, floating or bool. Like a Python number it does not
    /// promote a tensor's dtype (a float32 tensor times 0.5 stays float32).
    /// </summary>
    public readonly struct Scalar : IEquatable<Scalar>
    {
        private readonly double d;
        private readonly long i;
        private readonly int kind;

        private Scalar(double d, long i, int kind) { this.d = d; this.i = i; this.kind = kind; }

        /// <summary>The value as a double.</summary>
        public double ToDouble() => kind == 0 ? d : i;

        /// <summary>True for integer (and bool) scalars.</summary>
        public bool IsIntegral => kind != 0;

        internal NativeScalar Native => new(d, i, kind);

#pragma warning disable CA2225 // Operator overloads have named alternates: ToDouble and the From* methods.
        /// <summary>An integer scalar.</summary>
        public static implicit operator Scalar(long v) => new(v, v, 1);
        /// <summary>An integer scalar.</summary>
        public static implicit operator Scalar(int v) => new(v, v, 1);
        /// <summary>A floating scalar.</summary>
        public static implicit operator Scalar(double v) => new(v, (long)v, 0);
        /// <summary>A floating scalar.</summary>
        public static implicit operator Scalar(float v) => new(v, (long)v, 0);
        /// <summary>A bool scalar.</summary>
        public static implicit operator Scalar(bool v) => new(v ? 1 : 0, v ? 1 : 0, 2);
#pragma warning restore CA2225

        /// <summary>An integer scalar.</summary>
        public static Scalar FromInt64(long v) => v;
        /// <summary>A floating scalar.</summary>
        public static Scalar FromDouble(double v) => v;

        /// <inheritdoc/>
        public bool Equals(Scalar other) => d.Equals(other.d) && i == other.i && kind == other.kind;
        /// <inheritdoc/>
        public override bool Equals(object? obj) => obj is Scalar s && Equals(s);
        /// <inheritdoc/>
        public override int GetHashCode() => HashCode.Combine(d, i, kind);
        /// <summary>Equality.</summary>
        public static bool operator ==(Scalar a, Scalar b) => a.Equals(b);
        /// <summary>Inequality.</summary>
        public static bool operator !=(Scalar a, Scalar b) => !a.Equals(b);
        /// <inheritdoc/>
        public override string ToString() => kind == 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : i.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
