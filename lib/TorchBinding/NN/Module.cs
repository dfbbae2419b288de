using System.Reflection;

namespace TorchBinding;

public static partial class torch
{
    /// <summary>Layers, losses and utilities, as <c>torch.nn</c>; the layer classes live in <see cref="Modules"/>.</summary>
    public static partial class nn
    {
        /// <summary>
        /// Base of all layers: named parameters, buffers and submodules (registered names are the
        /// state-dict keys), train/eval mode, device moves, and strict state-dict loading.
        /// </summary>
        public abstract class Module : IDisposable
        {
            private readonly Dictionary<string, Parameter?> parameterEntries = new();
            private readonly Dictionary<string, Tensor> bufferEntries = new();
            private readonly HashSet<string> nonPersistent = new();
            private readonly Dictionary<string, Module> moduleEntries = new();
            private readonly List<string> order = new();
            private bool disposed;

            /// <summary>Creates a module with a display name.</summary>
            protected Module(string name) { Name = name; }

            /// <summary>The module's display name (its type by default).</summary>
            public string Name { get; }

            /// <summary>True in training mode (dropout active), false after <see cref="eval"/>.</summary>
            public bool training { get; private set; } = true;

            /// <summary>Registers a parameter under <paramref name="name"/> (null keeps the slot empty, as PyTorch's bias=None).</summary>
            public void register_parameter(string name, Parameter? parameter)
            {
                CheckName(name, parameterEntries);
                if (!parameterEntries.ContainsKey(name)) order.Add(name);
                parameterEntries[name] = parameter;
            }

            /// <summary>Registers a buffer (state that is saved but not trained, e.g. a mask).</summary>
            public void register_buffer(string name, Tensor buffer, bool persistent = true)
            {
                CheckName(name, bufferEntries);
                ArgumentNullException.ThrowIfNull(buffer);
                buffer.DetachFromDisposeScope();
                if (!bufferEntries.ContainsKey(name)) order.Add(name);
                bufferEntries[name] = buffer;
                if (!persistent) nonPersistent.Add(name);
            }

            /// <summary>Registers a child module; its entries appear as "name.child_key".</summary>
            public T register_module<T>(string name, T module) where T : Module
            {
                CheckName(name, moduleEntries);
                ArgumentNullException.ThrowIfNull(module);
                if (!moduleEntries.ContainsKey(name)) order.Add(name);
                moduleEntries[name] = module;
                return module;
            }

            /// <summary>
            /// Registers every field holding a <see cref="Module"/> or <see cref="Parameter"/> that is not
            /// registered yet, under the field's name (a leading underscore dropped), as TorchSharp does.
            /// </summary>
            protected void RegisterComponents()
            {
                for (Type? type = GetType(); type is not null && type != typeof(Module); type = type.BaseType)
                {
                    foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                    {
                        if (field.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute)) && !field.Name.Contains("k__BackingField", StringComparison.Ordinal)) continue;
                        string name = FieldKey(field.Name);
                        object? value = field.GetValue(this);
                        if (value is Parameter p && !IsRegistered(p)) register_parameter(name, p);
                        else if (value is Module m && !moduleEntries.ContainsValue(m)) register_module(name, m);
                    }
                }
            }

            private static string FieldKey(string fieldName)
            {
                if (fieldName.StartsWith('<')) fieldName = fieldName[1..fieldName.IndexOf('>', StringComparison.Ordinal)];
                return fieldName.TrimStart('_');
            }

            private bool IsRegistered(Parameter p) => parameterEntries.Values.Any(q => ReferenceEquals(q, p));

            // A name may be re-registered within its own kind (replacing the entry), never across kinds.
            private void CheckName(string name, object kind)
            {
                ArgumentException.ThrowIfNullOrEmpty(name);
                if (name.Contains('.', StringComparison.Ordinal)) throw new ArgumentException($"module entry name '{name}' must not contain '.'", nameof(name));
                if ((kind != parameterEntries && parameterEntries.ContainsKey(name)) || (kind != bufferEntries && bufferEntries.ContainsKey(name)) || (kind != moduleEntries && moduleEntries.ContainsKey(name)))
                    throw new ArgumentException($"'{name}' is already registered in {Name} as another kind of entry", nameof(name));
            }

            /// <summary>Parameters with their dotted names, in registration order.</summary>
            public IEnumerable<(string name, Parameter parameter)> named_parameters(bool recurse = true)
            {
                foreach (string key in order)
                {
                    if (parameterEntries.TryGetValue(key, out Parameter? p) && p is not null) yield return (key, p);
                    else if (recurse && moduleEntries.TryGetValue(key, out Module? m))
                        foreach (var (n, q) in m.named_parameters()) yield return (key + "." + n, q);
                }
            }

            /// <summary>All parameters, in registration order.</summary>
            public IEnumerable<Parameter> parameters(bool recurse = true) => named_parameters(recurse).Select(x => x.parameter);

            /// <summary>Buffers with their dotted names.</summary>
            public IEnumerable<(string name, Tensor buffer)> named_buffers(bool recurse = true)
            {
                foreach (string key in order)
                {
                    if (bufferEntries.TryGetValue(key, out Tensor? b)) yield return (key, b);
                    else if (recurse && moduleEntries.TryGetValue(key, out Module? m))
                        foreach (var (n, q) in m.named_buffers()) yield return (key + "." + n, q);
                }
            }

            /// <summary>All buffers.</summary>
            public IEnumerable<Tensor> buffers(bool recurse = true) => named_buffers(recurse).Select(x => x.buffer);

            /// <summary>Direct children with their names.</summary>
            public IEnumerable<(string name, Module module)> named_children() =>
                order.Where(moduleEntries.ContainsKey).Select(k => (k, moduleEntries[k]));

            /// <summary>This module and all descendants with dotted names ("" for this one).</summary>
            public IEnumerable<(string name, Module module)> named_modules()
            {
                yield return ("", this);
                foreach (var (name, child) in named_children())
                    foreach (var (n, m) in child.named_modules()) yield return (n.Length == 0 ? name : name + "." + n, m);
            }

            /// <summary>Direct children.</summary>
            public IEnumerable<Module> children() => named_children().Select(x => x.module);

            /// <summary>Sets training mode here and in every descendant.</summary>
            public virtual Module train(bool on = true)
            {
                training = on;
                foreach (Module child in children()) child.train(on);
                return this;
            }

            /// <summary>Sets evaluation mode (dropout off).</summary>
            public Module eval() => train(false);

            /// <summary>Clears the gradients of all parameters (set to None, as PyTorch's default).</summary>
            public void zero_grad()
            {
                foreach (Parameter p in parameters()) Interop.NativeError.Check(Interop.NativeMethods.TS_Tensor_clear_grad(p.Handle));
            }

            /// <summary>Moves (or converts) every parameter and buffer in place; parameters keep their identity.</summary>
            public Module to(Device? device = null, ScalarType? dtype = null)
            {
                foreach (Parameter p in parameters())
                {
                    ScalarType? target = dtype is { } d && p.is_floating_point() ? d : null;
                    using Tensor moved = p.to(target, device);
                    using (no_grad()) p.set_data(moved);
                }
                foreach (Module m in named_modules().Select(x => x.module))
                {
                    foreach (string key in m.bufferEntries.Keys.ToList())
                    {
                        Tensor b = m.bufferEntries[key];
                        ScalarType? target = dtype is { } d && b.is_floating_point() ? d : null;
                        m.bufferEntries[key] = b.to(target, device).DetachFromDisposeScope();
                        b.Dispose();
                    }
                }
                return this;
            }

            /// <summary>Moves to a device.</summary>
            public Module to(Device device) => to(device, null);

            /// <summary>Moves to a device named "cpu" or "cuda:N".</summary>
            public Module to(string device) => to(torch.device(device), null);

            /// <summary>Parameters and persistent buffers by dotted name (handles that alias the module's tensors).</summary>
            public Dictionary<string, Tensor> state_dict()
            {
                var result = new Dictionary<string, Tensor>();
                foreach (var (name, p) in named_parameters()) result[name] = p;
                foreach (var (name, b) in named_persistent_buffers()) result[name] = b;
                return result;
            }

            private IEnumerable<(string, Tensor)> named_persistent_buffers()
            {
                foreach (var (prefix, m) in named_modules())
                    foreach (var (key, b) in m.bufferEntries)
                        if (!m.nonPersistent.Contains(key)) yield return (prefix.Length == 0 ? key : prefix + "." + key, b);
            }

            /// <summary>
            /// Copies tensors into the parameters and buffers with the same names. With
            /// <paramref name="strict"/>, missing or unexpected keys are an error; a shape mismatch always is.
            /// Nothing is copied unless every check passes.
            /// </summary>
            /// <returns>The keys the module has but the dictionary lacked, and the unexpected ones.</returns>
            /// <exception cref="InvalidDataException">Listing every missing, unexpected and mis-shaped key.</exception>
            public (IReadOnlyList<string> missing, IReadOnlyList<string> unexpected) load_state_dict(IReadOnlyDictionary<string, Tensor> source, bool strict = true)
            {
                ArgumentNullException.ThrowIfNull(source);
                Dictionary<string, Tensor> own = state_dict();
                var missing = own.Keys.Where(k => !source.ContainsKey(k)).ToList();
                var unexpected = source.Keys.Where(k => !own.ContainsKey(k)).ToList();
                var mismatched = new List<string>();
                foreach (var (key, target) in own)
                {
                    if (!source.TryGetValue(key, out Tensor? value)) continue;
                    long[] want = target.shape, got = value.shape;
                    if (!want.SequenceEqual(got))
                        mismatched.Add($"{key}: checkpoint has shape [{string.Join(", ", got)}], the model expects [{string.Join(", ", want)}]");
                }
                var problems = new List<string>();
                if (strict && missing.Count > 0) problems.Add("missing keys: " + string.Join(", ", missing));
                if (strict && unexpected.Count > 0) problems.Add("unexpected keys: " + string.Join(", ", unexpected));
                problems.AddRange(mismatched.Select(m => "size mismatch for " + m));
                if (problems.Count > 0)
                    throw new InvalidDataException($"Error(s) in loading state_dict for {Name}:\n  " + string.Join("\n  ", problems));
                using (no_grad())
                {
                    foreach (var (key, target) in own)
                        if (source.TryGetValue(key, out Tensor? value)) target.copy_(value);
                }
                return (missing, unexpected);
            }

            /// <summary>Disposes all parameters, buffers and submodules.</summary>
            public void Dispose()
            {
                Dispose(true);
                GC.SuppressFinalize(this);
            }

            /// <summary>Disposes owned tensors and children.</summary>
            protected virtual void Dispose(bool disposing)
            {
                if (disposed || !disposing) return;
                disposed = true;
                foreach (Parameter? p in parameterEntries.Values) p?.Dispose();
                foreach (Tensor b in bufferEntries.Values) b.Dispose();
                foreach (Module m in moduleEntries.Values) m.Dispose();
            }

            /// <summary>A summary with the module tree, as PyTorch prints it.</summary>
            public override string ToString()
            {
                var children = named_children().ToList();
                if (children.Count == 0) return Name + "(" + ExtraRepr() + ")";
                var lines = children.Select(c => "  (" + c.name + "): " + c.module.ToString().Replace("\n", "\n  ", StringComparison.Ordinal));
                return Name + "(\n" + string.Join("\n", lines) + "\n)";
            }

            /// <summary>Text shown inside the parentheses of <see cref="ToString"/> (sizes and options).</summary>
            protected virtual string ExtraRepr() => "";
        }

        /// <summary>A module with one input and one output, called as <c>module.call(x)</c>.</summary>
        public abstract class Module<T, TResult> : Module
        {
            /// <summary>Creates the module.</summary>
            protected Module(string name) : base(name) { }

            /// <summary>The computation.</summary>
            public abstract TResult forward(T input);

            /// <summary>Runs <see cref="forward"/>.</summary>
            public TResult call(T input) => forward(input);
        }

        /// <summary>A module with two inputs.</summary>
        public abstract class Module<T1, T2, TResult> : Module
        {
            /// <summary>Creates the module.</summary>
            protected Module(string name) : base(name) { }

            /// <summary>The computation.</summary>
            public abstract TResult forward(T1 input1, T2 input2);

            /// <summary>Runs <see cref="forward"/>.</summary>
            public TResult call(T1 input1, T2 input2) => forward(input1, input2);
        }
    }
}
