using System.Collections;
using static TorchBinding.torch.nn;

namespace TorchBinding.Modules
{
    /// <summary>
    /// Holds submodules in a list, registered as "0", "1", ... so their parameters are named
    /// "layer.0.weight" as PyTorch's nn.ModuleList names them (what Hugging Face checkpoints expect).
    /// </summary>
    public sealed class ModuleList<T> : Module, IReadOnlyList<T> where T : Module
    {
        private readonly List<T> items = [];

        /// <summary>Creates the list from <paramref name="modules"/>.</summary>
        public ModuleList(IEnumerable<T> modules) : base(nameof(ModuleList<T>))
        {
            ArgumentNullException.ThrowIfNull(modules);
            foreach (T m in modules) append(m);
        }

        /// <summary>Adds a module at the end.</summary>
        public void append(T module)
        {
            register_module(items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
            items.Add(module);
        }

        /// <inheritdoc/>
        public T this[int index] => items[index];

        /// <inheritdoc/>
        public int Count => items.Count;

        /// <inheritdoc/>
        public IEnumerator<T> GetEnumerator() => items.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

namespace TorchBinding
{
    using TorchBinding.Modules;

    public static partial class torch
    {
        public static partial class nn
        {
            /// <summary>A list of submodules named by index.</summary>
            public static ModuleList<T> ModuleList<T>(params IEnumerable<T> modules) where T : Module => new(modules);
        }
    }
}
