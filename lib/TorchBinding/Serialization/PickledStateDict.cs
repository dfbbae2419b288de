using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace TorchBinding;

public static partial class torch
{
    /// <summary>
    /// State dicts written by PyTorch's <c>torch.save</c> (the zip format PyTorch has written since 1.6, e.g. a Hugging Face
    /// <c>pytorch_model.bin</c>), read without Python.
    /// </summary>
    /// <remarks>
    /// libtorch 1.13's own unpickler (<c>torch::pickle_load</c>) turns the <c>collections.OrderedDict</c> every
    /// <c>state_dict()</c> is into None and then fails (pytorch/pytorch#100741, fixed in 2.6), so the pickle is read here: the
    /// opcodes of pickle protocols 2-5 that <c>torch.save</c> writes for dicts of tensors, tensors rebuilt from their zip
    /// records (<c>torch._utils._rebuild_tensor_v2</c> / <c>_rebuild_parameter</c>), anything else refused by name.
    /// </remarks>
    public static class pickle
    {
        /// <summary>The tensors of a state dict (an <c>OrderedDict</c> or dict of name → tensor; one nested under "state_dict" or "model" too).</summary>
        /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
        /// <exception cref="InvalidDataException">When it is not a zip-format torch.save file of tensors (what it is, named).</exception>
        public static Dictionary<string, Tensor> load_state_dict(string path)
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"{path} does not exist", path);
            using (var head = File.OpenRead(path))
            {
                Span<byte> magic = stackalloc byte[4];
                int got = head.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
                if (got < 4 || magic[0] != (byte)'P' || magic[1] != (byte)'K')
                    throw new InvalidDataException(got >= 2 && magic[0] == 0x80
                        ? $"{path}: saved in PyTorch's legacy format (before 1.6), which is not read here; re-save it with a newer PyTorch " +
                          "(torch.save(torch.load(f), f)) or convert it to model.safetensors"
                        : $"{path}: not a torch.save file (no zip archive)");
            }
            using var zip = ZipFile.OpenRead(path);
            var pkl = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) || e.FullName == "data.pkl")
                      ?? throw new InvalidDataException($"{path}: a zip archive without data.pkl, not a torch.save file");
            string prefix = pkl.FullName[..^"data.pkl".Length];
            byte[] data;
            using (var s = pkl.Open())
            using (var buffer = new MemoryStream())
            {
                s.CopyTo(buffer);
                data = buffer.ToArray();
            }
            var loaded = new List<Tensor>();
            try
            {
                object? root = new Unpickler(data, path, key => Record(zip, prefix + "data/" + key, path), loaded).Load();
                var dict = AsStateDict(root, path);
                // Tensors of the result are kept; rebuilt ones left out of it (none, for a state dict) are freed.
                var kept = new HashSet<Tensor>(dict.Values, ReferenceEqualityComparer.Instance);
                foreach (var t in loaded.Where(t => !kept.Contains(t))) t.Dispose();
                return dict;
            }
            catch
            {
                foreach (var t in loaded) t.Dispose();
                throw;
            }
        }

        private static byte[] Record(ZipArchive zip, string name, string path)
        {
            var entry = zip.GetEntry(name) ?? throw new InvalidDataException($"{path}: the tensor data record {name} is missing");
            using var s = entry.Open();
            using var buffer = new MemoryStream();
            s.CopyTo(buffer);
            return buffer.ToArray();
        }

        // The name → tensor entries of the unpickled object.
        private static Dictionary<string, Tensor> AsStateDict(object? root, string path)
        {
            if (root is not PickleDict dict) throw new InvalidDataException($"{path}: holds a {Describe(root)}, not a state dict (a dict of tensors)");
            if (!dict.Values.OfType<Tensor>().Any())
                foreach (string nested in new[] { "state_dict", "model" })
                    if (dict.TryGetValue(nested, out object? inner) && inner is PickleDict) return AsStateDict(inner, path);
            var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var (key, value) in dict)
                if (key is string name && value is Tensor t) result[name] = t;
            if (result.Count == 0) throw new InvalidDataException($"{path}: a dict without tensors (keys: {string.Join(", ", dict.Keys.Take(8))})");
            return result;
        }

        private static string Describe(object? value) => value switch
        {
            null => "None",
            Global g => $"{g.Module}.{g.Name}",
            _ => value.GetType().Name,
        };

        // An ordered dict, as OrderedDict and dict are read.
        private sealed class PickleDict : Dictionary<object, object?>;

        private sealed record Global(string Module, string Name);

        private sealed record Storage(ScalarType DType, byte[] Bytes);

        private sealed record Mark;

        private sealed class Unpickler(byte[] data, string path, Func<string, byte[]> record, List<Tensor> loaded)
        {
            private readonly List<object?> stack = [];
            private readonly Dictionary<long, object?> memo = [];
            private readonly Dictionary<string, Storage> storages = new(StringComparer.Ordinal);
            private static readonly Mark TheMark = new();
            private int at;

            public object? Load()
            {
                while (true)
                {
                    if (at >= data.Length) throw Bad("the pickle ends before its STOP");
                    byte op = data[at++];
                    switch (op)
                    {
                        case 0x80: at++; break;                                       // PROTO
                        case 0x95: at += 8; break;                                    // FRAME
                        case (byte)'.': return Pop();                                 // STOP
                        case (byte)'c': Push(new Global(Line(), Line())); break;      // GLOBAL
                        case 0x93: { var name = (string)Pop()!; Push(new Global((string)Pop()!, name)); break; }   // STACK_GLOBAL
                        case (byte)'q': memo[data[at++]] = Top(); break;              // BINPUT
                        case (byte)'r': memo[Int32()] = Top(); break;                 // LONG_BINPUT
                        case 0x94: memo[memo.Count] = Top(); break;                   // MEMOIZE
                        case (byte)'h': Push(Memo(data[at++])); break;                // BINGET
                        case (byte)'j': Push(Memo(Int32())); break;                   // LONG_BINGET
                        case (byte)'(': Push(TheMark); break;                         // MARK
                        case (byte)'}': Push(new PickleDict()); break;                // EMPTY_DICT
                        case (byte)']': Push(new List<object?>()); break;             // EMPTY_LIST
                        case (byte)')': Push(Array.Empty<object?>()); break;          // EMPTY_TUPLE
                        case (byte)'t': Push(PopToMark().ToArray()); break;           // TUPLE
                        case 0x85: Push(new[] { Pop() }); break;                      // TUPLE1
                        case 0x86: { var b = Pop(); var a = Pop(); Push(new[] { a, b }); break; }                // TUPLE2
                        case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new[] { a, b, c }); break; }  // TUPLE3
                        case (byte)'X': Push(Utf8(Int32())); break;                   // BINUNICODE
                        case 0x8c: Push(Utf8(data[at++])); break;                     // SHORT_BINUNICODE
                        case 0x8d: Push(Utf8(checked((int)Int64()))); break;          // BINUNICODE8
                        case (byte)'J': Push((long)Int32()); break;                   // BININT
                        case (byte)'K': Push((long)data[at++]); break;                // BININT1
                        case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break;   // BININT2
                        case 0x8a: Push(Long1()); break;                              // LONG1
                        case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break;            // BINFLOAT
                        case 0x88: Push(true); break;                                 // NEWTRUE
                        case 0x89: Push(false); break;                                // NEWFALSE
                        case (byte)'N': Push(null); break;                            // NONE
                        case (byte)'Q': Push(Persistent(Pop())); break;               // BINPERSID
                        case (byte)'R': { var args = (object?[])Pop()!; Push(Reduce(Pop(), args)); break; }    // REDUCE
                        case (byte)'b': Pop(); break;                                 // BUILD: a state dict's _metadata, unused
                        case (byte)'s': { var v = Pop(); var k = Pop(); Dict(Top())[k!] = v; break; }          // SETITEM
                        case (byte)'u':                                               // SETITEMS
                        {
                            var items = PopToMark();
                            var dict = Dict(Top());
                            for (int i = 0; i + 1 < items.Count; i += 2) dict[items[i]!] = items[i + 1];
                            break;
                        }
                        case (byte)'a': { var v = Pop(); ((List<object?>)Top()!).Add(v); break; }              // APPEND
                        case (byte)'e': { var items = PopToMark(); ((List<object?>)Top()!).AddRange(items); break; }   // APPENDS
                        default: throw Bad($"pickle opcode 0x{op:x2} at byte {at - 1} is not one a state dict uses");
                    }
                }
            }

            // A persistent id ('storage', torch.XStorage, key, location, numel): the storage's bytes from its record.
            private Storage Persistent(object? pid)
            {
                if (pid is not object?[] { Length: >= 5 } t || t[0] is not "storage" || t[1] is not Global type || t[2] is not string key)
                    throw Bad($"a persistent id that is not a tensor storage ({Describe(pid)})");
                if (storages.TryGetValue(key, out var known)) return known;
                var storage = new Storage(DTypeOf(type), record(key));
                storages[key] = storage;
                return storage;
            }

            private object? Reduce(object? callable, object?[] args)
            {
                if (callable is not Global g) throw Bad($"a call of {Describe(callable)}");
                return (g.Module, g.Name) switch
                {
                    ("collections", "OrderedDict") => new PickleDict(),
                    ("builtins", "dict") => new PickleDict(),
                    ("torch._utils", "_rebuild_tensor_v2") or ("torch._utils", "_rebuild_tensor") => RebuildTensor(args),
                    ("torch._utils", "_rebuild_parameter") => args[0],
                    _ => throw Bad($"{g.Module}.{g.Name}, which a state dict of tensors does not hold"),
                };
            }

            // storage, storage offset, size, stride (, requires_grad, backward hooks[, metadata]).
            private Tensor RebuildTensor(object?[] args)
            {
                var storage = args[0] as Storage ?? throw Bad("a tensor without its storage");
                long offset = (long)args[1]!;
                long[] size = ((object?[])args[2]!).Select(x => (long)x!).ToArray();
                long[] stride = ((object?[])args[3]!).Select(x => (long)x!).ToArray();
                int elementSize = ElementSize(storage.DType);
                long count = storage.Bytes.Length / elementSize;
                Tensor flat = empty([count], storage.DType);
                unsafe
                {
                    fixed (byte* source = storage.Bytes) Buffer.MemoryCopy(source, (void*)flat.DataPointer, storage.Bytes.Length, storage.Bytes.Length);
                }
                long numel = size.Aggregate(1L, (a, b) => a * b);
                Tensor result;
                using (flat)
                {
                    if (IsContiguous(size, stride)) result = flat.narrow(0, offset, numel).reshape(size).clone();
                    else
                    {
                        // Any other layout: the elements one by one, in row-major order of the size.
                        var index = new long[numel];
                        for (long i = 0; i < numel; i++)
                        {
                            long rest = i, position = offset;
                            for (int d = size.Length - 1; d >= 0; d--)
                            {
                                position += rest % size[d] * stride[d];
                                rest /= size[d];
                            }
                            index[i] = position;
                        }
                        using var idx = tensor(new ReadOnlySpan<long>(index));
                        result = flat.index_select(0, idx).reshape(size);
                    }
                }
                loaded.Add(result);
                return result;
            }

            private static bool IsContiguous(long[] size, long[] stride)
            {
                long expected = 1;
                for (int d = size.Length - 1; d >= 0; d--)
                {
                    if (size[d] != 1 && stride[d] != expected) return false;
                    expected *= size[d];
                }
                return true;
            }

            private ScalarType DTypeOf(Global type) => type.Name switch
            {
                "FloatStorage" => ScalarType.Float32,
                "DoubleStorage" => ScalarType.Float64,
                "HalfStorage" => ScalarType.Float16,
                "BFloat16Storage" => ScalarType.BFloat16,
                "LongStorage" => ScalarType.Int64,
                "IntStorage" => ScalarType.Int32,
                "ShortStorage" => ScalarType.Int16,
                "CharStorage" => ScalarType.Int8,
                "ByteStorage" => ScalarType.Byte,
                "BoolStorage" => ScalarType.Bool,
                _ => throw Bad($"tensors of {type.Module}.{type.Name}, a storage type not read here"),
            };

            private PickleDict Dict(object? o) => o as PickleDict ?? throw Bad($"items set on a {Describe(o)}, not a dict");

            private object? Memo(long key) => memo.TryGetValue(key, out var v) ? v : throw Bad($"memo {key} read before it was written");

            private void Push(object? o) => stack.Add(o);

            private object? Top() => stack.Count > 0 ? stack[^1] : throw Bad("the pickle's stack is empty");

            private object? Pop()
            {
                var o = Top();
                stack.RemoveAt(stack.Count - 1);
                return o;
            }

            private List<object?> PopToMark()
            {
                int mark = stack.FindLastIndex(o => ReferenceEquals(o, TheMark));
                if (mark < 0) throw Bad("a MARK is missing");
                var items = stack.GetRange(mark + 1, stack.Count - mark - 1);
                stack.RemoveRange(mark, stack.Count - mark);
                return items;
            }

            private ReadOnlySpan<byte> Take(int n)
            {
                if (at + n > data.Length) throw Bad("the pickle ends in the middle of a value");
                var span = data.AsSpan(at, n);
                at += n;
                return span;
            }

            private int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

            private long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

            private long Long1()
            {
                int n = data[at++];
                var bytes = Take(n);
                long value = 0;
                for (int i = n - 1; i >= 0; i--) value = (value << 8) | bytes[i];
                if (n is > 0 and < 8 && (bytes[n - 1] & 0x80) != 0) value -= 1L << (8 * n);   // two's complement, little-endian
                return value;
            }

            private string Utf8(int n) => Encoding.UTF8.GetString(Take(n));

            private string Line()
            {
                int end = Array.IndexOf(data, (byte)'\n', at);
                if (end < 0) throw Bad("a GLOBAL without its newline");
                string s = Encoding.ASCII.GetString(data, at, end - at);
                at = end + 1;
                return s;
            }

            private InvalidDataException Bad(string problem) => new($"{path}: not a state dict this reader understands: {problem}");
        }
    }
}
