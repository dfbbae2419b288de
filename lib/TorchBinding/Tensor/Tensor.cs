using System.Runtime.InteropServices;
using TorchBinding.Interop;
using static TorchBinding.Interop.NativeMethods;

namespace TorchBinding;

public static partial class torch
{
    /// <summary>
    /// A handle to a libtorch tensor. This file keeps only handle, lifetime, dtype, device, shape,
    /// host data access and autograd state; ops live in the Tensor.*.cs family files.
    /// </summary>
    /// <remarks>
    /// Every tensor created while a <see cref="DisposeScope"/> is open on the thread belongs to that
    /// scope and is released with it; otherwise call <see cref="Dispose()"/> (or let the finalizer do it).
    /// </remarks>
    public partial class Tensor : IDisposable
    {
        private TensorHandle handle;

        internal Tensor(TensorHandle handle)
        {
            if (handle.IsInvalid) NativeError.Throw();
            TensorHandle.Track();
            this.handle = handle;
            DisposeScope.Current?.Attach(this);
        }

        internal Tensor(IntPtr pointer) : this(new TensorHandle(pointer)) { }

        internal TensorHandle Handle
        {
            get
            {
                ObjectDisposedException.ThrowIf(handle.IsClosed, this);
                return handle;
            }
        }

        /// <summary>The raw pointer, for arrays of tensors passed to the shim (keep the tensor alive around the call).</summary>
        internal IntPtr Pointer => Handle.DangerousGetHandle();

        /// <summary>The scope that will dispose this tensor, if any.</summary>
        internal DisposeScope? OwningScope { get; set; }

        /// <summary>True once the native tensor has been released.</summary>
        public bool IsInvalid => handle.IsClosed || handle.IsInvalid;

        /// <summary>Native tensor handles currently alive in the process (for leak tests).</summary>
        public static long TotalCount => TensorHandle.Live;

        /// <summary>Element type.</summary>
        public ScalarType dtype => (ScalarType)TS_Tensor_dtype(Handle);

        /// <summary>The device holding the data.</summary>
        public Device device => new((DeviceType)TS_Tensor_device_type(Handle), TS_Tensor_device_index(Handle));

        /// <summary>The device type.</summary>
        public DeviceType device_type => (DeviceType)TS_Tensor_device_type(Handle);

        /// <summary>Number of dimensions.</summary>
        public long ndim => TS_Tensor_ndim(Handle);

        /// <summary>Number of dimensions (TorchSharp's name).</summary>
        public long Dimensions => ndim;

        /// <summary>Number of elements.</summary>
        public long numel() => TS_Tensor_numel(Handle);

        /// <summary>Number of elements (TorchSharp's name).</summary>
        public long NumberOfElements => numel();

        /// <summary>Bytes per element.</summary>
        public long element_size() => TS_Tensor_element_size(Handle);

        /// <summary>The sizes of all dimensions.</summary>
        public long[] shape
        {
            get
            {
                var sizes = new long[ndim];
                TS_Tensor_sizes(Handle, sizes);
                return sizes;
            }
        }

        /// <summary>The sizes of all dimensions.</summary>
        public long[] size() => shape;

        /// <summary>The size of one dimension (negative counts from the end).</summary>
        public long size(long dim)
        {
            long[] s = shape;
            long d = dim < 0 ? dim + s.Length : dim;
            if (d < 0 || d >= s.Length)
                throw new ArgumentOutOfRangeException(nameof(dim), $"Dimension out of range (expected to be in range of [{-s.Length}, {s.Length - 1}], but got {dim})");
            return s[d];
        }

        /// <summary>Strides in elements.</summary>
        public long[] stride()
        {
            var strides = new long[ndim];
            TS_Tensor_strides(Handle, strides);
            return strides;
        }

        /// <summary>Whether the memory is contiguous in row-major order.</summary>
        public bool is_contiguous() => TS_Tensor_is_contiguous(Handle) != 0;

        /// <summary>Whether the tensor has a floating dtype.</summary>
        public bool is_floating_point() => IsFloatingPoint(dtype);

        // ----- autograd state -----

        /// <summary>Whether autograd records operations on this tensor.</summary>
        public bool requires_grad
        {
            get => TS_Tensor_requires_grad(Handle) != 0;
            set => NativeError.Check(TS_Tensor_set_requires_grad(Handle, value ? 1 : 0));
        }

        /// <summary>Sets <see cref="requires_grad"/> in place and returns this tensor.</summary>
        public Tensor requires_grad_(bool requires = true)
        {
            requires_grad = requires;
            return this;
        }

        /// <summary>Whether this tensor is a leaf of the autograd graph.</summary>
        public bool is_leaf => TS_Tensor_is_leaf(Handle) != 0;

        /// <summary>
        /// The version counter (PyTorch's <c>_version</c>): every in-place change bumps it, so a cache derived
        /// from this tensor (e.g. folded input projections) knows when it is stale. -1 for tensors without one.
        /// </summary>
        public long _version => TS_Tensor_version(Handle);

        /// <summary>Address of the first element (PyTorch's <c>data_ptr()</c>), on whichever device holds it: an identity for the storage, not for dereferencing.</summary>
        public long data_ptr() => (long)TS_Tensor_data_ptr(Handle);

        /// <summary>Name of the autograd node that produced this tensor, or null.</summary>
        public string? grad_fn
        {
            get
            {
                string name = Marshal.PtrToStringUTF8(TS_Tensor_grad_fn_name(Handle)) ?? "";
                return name.Length == 0 ? null : name;
            }
        }

        /// <summary>Keeps the gradient of a non-leaf tensor after backward.</summary>
        public void retain_grad() => NativeError.Check(TS_Tensor_retain_grad(Handle));

        /// <summary>
        /// The accumulated gradient, or null. Each call returns a new handle to the same storage
        /// (dispose it, or let the enclosing scope do it).
        /// </summary>
        public Tensor? grad
        {
            get
            {
                NativeError.Check(TS_Tensor_grad(Handle, out IntPtr g));
                return g == IntPtr.Zero ? null : new Tensor(g);
            }
            set
            {
                NativeError.Check(TS_Tensor_set_grad(Handle, value?.Pointer ?? IntPtr.Zero));
                GC.KeepAlive(value);
            }
        }

        /// <summary>Computes gradients of this tensor with respect to the graph leaves.</summary>
        /// <param name="gradient">The gradient of some loss w.r.t. this tensor; omit for a scalar.</param>
        /// <param name="retain_graph">Keep the graph for another backward pass (default: create_graph).</param>
        /// <param name="create_graph">Record the backward pass itself (higher-order gradients).</param>
        public void backward(Tensor? gradient = null, bool? retain_graph = null, bool create_graph = false)
        {
            int retain = retain_graph is null ? -1 : retain_graph.Value ? 1 : 0;
            NativeError.Check(TS_Tensor_backward(Handle, gradient?.Pointer ?? IntPtr.Zero, retain, create_graph ? 1 : 0));
            GC.KeepAlive(gradient);
        }

        /// <summary>A tensor sharing storage, cut from the autograd graph.</summary>
        public Tensor detach() => new(TS_Tensor_detach(Handle));

        /// <summary>Cuts this tensor from the graph in place.</summary>
        public Tensor detach_()
        {
            NativeError.Check(TS_Tensor_detach_(Handle));
            return this;
        }

        /// <summary>A second managed handle to this very tensor (same storage, same autograd identity).</summary>
        public Tensor alias() => new(TS_Tensor_alias(Handle));

        /// <summary>Points this tensor (e.g. a parameter) at other data, keeping its identity.</summary>
        public void set_data(Tensor data)
        {
            NativeError.Check(TS_Tensor_set_data(Handle, data.Handle));
        }

        // ----- conversion and host data -----

        /// <summary>A copy with its own storage.</summary>
        public Tensor clone() => new(TS_Tensor_clone(Handle));

        /// <summary>This tensor in contiguous memory (a copy only when needed).</summary>
        public Tensor contiguous() => new(TS_Tensor_contiguous(Handle));

        /// <summary>
        /// Converts dtype and/or device (a no-op copy-free handle when nothing changes). <paramref name="non_blocking"/>
        /// lets a copy from pinned host memory to a GPU overlap with the kernels already queued, as in PyTorch.
        /// </summary>
        public Tensor to(ScalarType? type = null, Device? device = null, bool copy = false, bool non_blocking = false)
        {
            Device target = device ?? this.device;
            return new(TS_Tensor_to(Handle, (int)(type ?? dtype), (int)target.type, target.index, copy ? 1 : 0, non_blocking ? 1 : 0));
        }

        /// <summary>A copy in page-locked host memory (needs a CUDA build with a GPU; a tensor already pinned is returned as is).</summary>
        public Tensor pin_memory() => new(TS_Tensor_pin_memory(Handle));

        /// <summary>Whether this tensor lives in page-locked host memory.</summary>
        public bool is_pinned()
        {
            NativeError.Check(TS_Tensor_is_pinned(Handle, out int pinned));
            return pinned != 0;
        }

        /// <summary>Moves to a device.</summary>
        public Tensor to(Device device) => to(null, device);

        /// <summary>Moves to a device given as "cpu" or "cuda:N".</summary>
        public Tensor to(string device) => to(null, torch.device(device));

        /// <summary>Converts to a dtype.</summary>
        public Tensor to_type(ScalarType type) => to(type, null);

        /// <summary>Moves to the CPU.</summary>
        public Tensor cpu() => to(CPU);

        /// <summary>Moves to the current CUDA device.</summary>
        public Tensor cuda() => to(CUDA);

        /// <summary>Converts to float32.</summary>
        public Tensor @float() => to_type(ScalarType.Float32);

        /// <summary>Converts to float64.</summary>
        public Tensor @double() => to_type(ScalarType.Float64);

        /// <summary>Converts to int64.</summary>
        public Tensor @long() => to_type(ScalarType.Int64);

        /// <summary>Converts to int32.</summary>
        public Tensor @int() => to_type(ScalarType.Int32);

        /// <summary>Converts to bool.</summary>
        public Tensor @bool() => to_type(ScalarType.Bool);

        /// <summary>The value of a one-element tensor.</summary>
        /// <typeparam name="T">float, double, int, long or bool.</typeparam>
        public T item<T>() where T : unmanaged
        {
            if (typeof(T) == typeof(long) || typeof(T) == typeof(int) || typeof(T) == typeof(bool) || typeof(T) == typeof(byte))
            {
                NativeError.Check(TS_Tensor_item_long(Handle, out long l));
                if (typeof(T) == typeof(long)) return (T)(object)l;
                if (typeof(T) == typeof(int)) return (T)(object)checked((int)l);
                if (typeof(T) == typeof(byte)) return (T)(object)checked((byte)l);
                return (T)(object)(l != 0);
            }
            NativeError.Check(TS_Tensor_item_double(Handle, out double d));
            if (typeof(T) == typeof(double)) return (T)(object)d;
            if (typeof(T) == typeof(float)) return (T)(object)(float)d;
            throw new NotSupportedException($"item<{typeof(T).Name}>() is not supported");
        }

        /// <summary>Copies all elements, in row-major order, into a new .NET array.</summary>
        /// <typeparam name="T">The .NET type matching <see cref="dtype"/> (float for float32, long for int64, bool for bool, ...).</typeparam>
        /// <exception cref="ArgumentException">When T does not match the dtype.</exception>
        public T[] data<T>() where T : unmanaged
        {
            var result = new T[numel()];
            CopyTo<T>(result);
            return result;
        }

        /// <summary>Copies all elements, in row-major order, into <paramref name="destination"/>.</summary>
        public unsafe void CopyTo<T>(Span<T> destination) where T : unmanaged
        {
            CheckElementType<T>();
            using var host = device_type == DeviceType.CPU && is_contiguous() ? alias() : to(CPU).contiguous();
            long n = host.numel();
            if (destination.Length < n)
                throw new ArgumentException($"destination holds {destination.Length} elements, the tensor {n}", nameof(destination));
            var source = new ReadOnlySpan<T>((void*)TS_Tensor_data_ptr(host.Handle), checked((int)n));
            source.CopyTo(destination);
        }

        /// <summary>Pointer to the first element of a contiguous CPU tensor (valid while the tensor lives).</summary>
        internal IntPtr DataPointer
        {
            get
            {
                if (device_type != DeviceType.CPU || !is_contiguous())
                    throw new InvalidOperationException("data pointer requested for a non-contiguous or non-CPU tensor");
                IntPtr p = TS_Tensor_data_ptr(Handle);
                if (p == IntPtr.Zero && numel() > 0) NativeError.Throw();
                return p;
            }
        }

        internal void CheckElementType<T>() where T : unmanaged
        {
            ScalarType expected = ElementTypeOf<T>();
            ScalarType actual = dtype;
            if (expected != actual && !(typeof(T) == typeof(ushort) && actual is ScalarType.Float16 or ScalarType.BFloat16))
                throw new ArgumentException($"element type {typeof(T).Name} does not match the tensor's dtype {DTypeName(actual)}");
        }

        internal static ScalarType ElementTypeOf<T>() where T : unmanaged => default(T) switch
        {
            float => ScalarType.Float32,
            double => ScalarType.Float64,
            long => ScalarType.Int64,
            int => ScalarType.Int32,
            short => ScalarType.Int16,
            byte => ScalarType.Byte,
            sbyte => ScalarType.Int8,
            bool => ScalarType.Bool,
            Half => ScalarType.Float16,
            ushort => ScalarType.BFloat16,
            _ => throw new NotSupportedException($"no tensor dtype for {typeof(T).Name}"),
        };

        // ----- lifetime -----

        /// <summary>Releases the native tensor now.</summary>
        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        /// <summary>Releases the native tensor.</summary>
        protected virtual void Dispose(bool disposing)
        {
            if (disposing)
            {
                OwningScope?.Detach(this);
                handle.Dispose();
            }
        }

        /// <summary>Takes this tensor out of its dispose scope; the caller now owns it.</summary>
        public Tensor DetachFromDisposeScope()
        {
            OwningScope?.Detach(this);
            return this;
        }

        /// <summary>Moves this tensor to the scope enclosing its current one (or out of all scopes).</summary>
        public Tensor MoveToOuterDisposeScope()
        {
            DisposeScope? scope = OwningScope;
            if (scope is null) return this;
            scope.Detach(this);
            scope.Outer?.Attach(this);
            return this;
        }
    }
}
