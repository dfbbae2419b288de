namespace TorchBinding;

public static partial class torch
{
    /// <summary>
    /// Collects every tensor created on this thread while it is the innermost open scope and
    /// disposes them together, so a training step releases its temporaries deterministically.
    /// </summary>
    /// <example><code>
    /// using (var scope = torch.NewDisposeScope()) {
    ///     var loss = model.call(x).sum();
    ///     loss.backward();
    ///     optimizer.step();
    /// }   // every temporary of the step is released here
    /// </code></example>
    public sealed class DisposeScope : IDisposable
    {
        [ThreadStatic] private static DisposeScope? current;
        private readonly HashSet<Tensor> owned = new(ReferenceEqualityComparer.Instance);
        private bool disposed;

        internal DisposeScope()
        {
            Outer = current;
            current = this;
        }

        /// <summary>The innermost open scope of this thread.</summary>
        internal static DisposeScope? Current => current;

        /// <summary>The scope that was current when this one opened.</summary>
        public DisposeScope? Outer { get; }

        /// <summary>Tensors this scope will dispose.</summary>
        public int Count => owned.Count;

        internal void Attach(Tensor t)
        {
            if (disposed) return;
            owned.Add(t);
            t.OwningScope = this;
        }

        internal void Detach(Tensor t)
        {
            owned.Remove(t);
            t.OwningScope = null;
        }

        /// <summary>Moves a tensor of this scope to the enclosing scope (or out of all scopes).</summary>
        public Tensor MoveToOuter(Tensor t)
        {
            ArgumentNullException.ThrowIfNull(t);
            if (!ReferenceEquals(t.OwningScope, this)) throw new InvalidOperationException("the tensor does not belong to this dispose scope");
            return t.MoveToOuterDisposeScope();
        }

        /// <summary>Moves several tensors to the enclosing scope.</summary>
        public void MoveToOuter(params Tensor[] tensors)
        {
            ArgumentNullException.ThrowIfNull(tensors);
            foreach (Tensor t in tensors) MoveToOuter(t);
        }

        /// <summary>Disposes every tensor the scope still owns and closes it.</summary>
        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            if (current == this) current = Outer;
            foreach (Tensor t in owned)
            {
                t.OwningScope = null;
                t.Dispose();
            }
            owned.Clear();
        }
    }

    /// <summary>Opens a dispose scope on this thread (see <see cref="DisposeScope"/>).</summary>
    public static DisposeScope NewDisposeScope() => new();
}
