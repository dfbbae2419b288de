using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace TorchBinding;

public static partial class torch
{
    /// <summary>
    /// The safetensors format (8-byte little-endian header length, a JSON header, raw little-endian data):
    /// our checkpoints and Hugging Face weights. Tensors are read straight from the file into native
    /// memory and written straight from it, so a large file never needs a managed copy of its data.
    /// </summary>
    public static class safetensors
    {
        private const long MaxHeaderBytes = 100L * 1024 * 1024;
        private const int ChunkBytes = 16 * 1024 * 1024;

        private static readonly Dictionary<string, ScalarType> DTypes = new()
        {
            ["F64"] = ScalarType.Float64, ["F32"] = ScalarType.Float32, ["F16"] = ScalarType.Float16, ["BF16"] = ScalarType.BFloat16,
            ["I64"] = ScalarType.Int64, ["I32"] = ScalarType.Int32, ["I16"] = ScalarType.Int16, ["I8"] = ScalarType.Int8,
            ["U8"] = ScalarType.Byte, ["BOOL"] = ScalarType.Bool,
        };

        /// <summary>One tensor's entry in a safetensors header.</summary>
        public sealed record Entry(string Name, ScalarType DType, long[] Shape, long Begin, long End);

        /// <summary>Reads and validates only the header of <paramref name="path"/>.</summary>
        /// <exception cref="InvalidDataException">Naming the file and what is wrong.</exception>
        public static (IReadOnlyList<Entry> entries, IReadOnlyDictionary<string, string> metadata) read_header(string path)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            return ReadHeader(stream, path, out _);
        }

        /// <summary>Loads every tensor of a safetensors file onto <paramref name="device"/> (CPU by default).</summary>
        /// <exception cref="InvalidDataException">For a truncated or corrupt file, naming the file and the problem.</exception>
        public static Dictionary<string, Tensor> load(string path, Device? device = null)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            var (entries, _) = ReadHeader(stream, path, out long dataStart);
            var result = new Dictionary<string, Tensor>();
            try
            {
                foreach (Entry e in entries.OrderBy(e => e.Begin))
                {
                    Tensor t = empty(e.Shape, e.DType);
                    result[e.Name] = t;
                    stream.Position = dataStart + e.Begin;
                    ReadInto(stream, t, e.End - e.Begin, path, e.Name);
                    if (device is not null && device.type != DeviceType.CPU)
                    {
                        result[e.Name] = t.to(device);
                        t.Dispose();
                    }
                }
            }
            catch
            {
                foreach (Tensor t in result.Values) t.Dispose();
                throw;
            }
            return result;
        }

        /// <summary>
        /// Writes tensors (any device; copied to CPU for writing) with optional string metadata.
        /// The file appears only when complete (written to a temporary name, then renamed).
        /// </summary>
        public static void save(IReadOnlyDictionary<string, Tensor> tensors, string path, IReadOnlyDictionary<string, string>? metadata = null)
        {
            ArgumentNullException.ThrowIfNull(tensors);
            var names = tensors.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
            var header = new Dictionary<string, object>();
            if (metadata is { Count: > 0 }) header["__metadata__"] = metadata;
            long offset = 0;
            foreach (string name in names)
            {
                Tensor t = tensors[name];
                long bytes = t.numel() * ElementSize(t.dtype);
                header[name] = new { dtype = DTypes.First(kv => kv.Value == t.dtype).Key, shape = t.shape, data_offsets = new[] { offset, offset + bytes } };
                offset += bytes;
            }
            byte[] json = JsonSerializer.SerializeToUtf8Bytes(header);
            int padded = (json.Length + 7) / 8 * 8;
            string temp = path + ".tmp-" + Environment.ProcessId;
            try
            {
                using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
                {
                    Span<byte> length = stackalloc byte[8];
                    BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
                    stream.Write(length);
                    stream.Write(json);
                    for (int k = json.Length; k < padded; k++) stream.WriteByte((byte)' ');
                    foreach (string name in names) WriteFrom(stream, tensors[name]);
                }
                File.Move(temp, path, overwrite: true);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }

        private static (IReadOnlyList<Entry>, IReadOnlyDictionary<string, string>) ReadHeader(FileStream stream, string path, out long dataStart)
        {
            long fileLength = stream.Length;
            Span<byte> lengthBytes = stackalloc byte[8];
            if (stream.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false) < 8)
                throw Corrupt(path, $"the file has {fileLength} bytes, fewer than the 8-byte header length");
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            if (headerLength > (ulong)MaxHeaderBytes || (long)headerLength > fileLength - 8)
                throw Corrupt(path, $"the header claims {headerLength} bytes but the file has {fileLength - 8} after the length field (truncated or not safetensors)");
            var headerBytes = new byte[headerLength];
            stream.ReadExactly(headerBytes);
            dataStart = 8 + (long)headerLength;
            long dataLength = fileLength - dataStart;

            JsonDocument doc;
            try { doc = JsonDocument.Parse(headerBytes); }
            catch (JsonException ex) { throw Corrupt(path, "the header is not valid JSON: " + ex.Message); }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Corrupt(path, "the header is not a JSON object");
                var entries = new List<Entry>();
                var metadata = new Dictionary<string, string>();
                foreach (JsonProperty prop in doc.RootElement.EnumerateObject())
                {
                    if (prop.Name == "__metadata__")
                    {
                        if (prop.Value.ValueKind != JsonValueKind.Object) throw Corrupt(path, $"__metadata__ is a {prop.Value.ValueKind.ToString().ToLowerInvariant()}, expected an object of strings");
                        foreach (JsonProperty m in prop.Value.EnumerateObject()) metadata[m.Name] = m.Value.ToString();
                        continue;
                    }
                    entries.Add(ParseEntry(prop, path, dataLength));
                }
                return (entries, metadata);
            }
        }

        private static Entry ParseEntry(JsonProperty prop, string path, long dataLength)
        {
            string name = prop.Name;
            JsonElement v = prop.Value;
            if (v.ValueKind != JsonValueKind.Object || !v.TryGetProperty("dtype", out JsonElement dt) || !v.TryGetProperty("shape", out JsonElement sh)
                || !v.TryGetProperty("data_offsets", out JsonElement off))
                throw Corrupt(path, $"tensor '{name}' needs dtype, shape and data_offsets");
            if (dt.ValueKind != JsonValueKind.String || !DTypes.TryGetValue(dt.GetString()!, out ScalarType dtype))
                throw Corrupt(path, $"tensor '{name}' has unsupported dtype {dt.GetRawText()} (supported: {string.Join(", ", DTypes.Keys)})");
            long[] shape = Integers(sh, path, name, "shape");
            long[] offsets = Integers(off, path, name, "data_offsets");
            if (shape.Any(d => d < 0)) throw Corrupt(path, $"tensor '{name}' has a negative dimension in its shape [{string.Join(", ", shape)}]");
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0])
                throw Corrupt(path, $"tensor '{name}' has invalid data_offsets [{string.Join(", ", offsets)}]");
            if (offsets[1] > dataLength)
                throw Corrupt(path, $"tensor '{name}' ends at byte {offsets[1]} of the data but the file holds only {dataLength} data bytes (truncated?)");
            long numel = shape.Aggregate(1L, (a, b) => a * b);
            long expected = numel * ElementSize(dtype);
            if (offsets[1] - offsets[0] != expected)
                throw Corrupt(path, $"tensor '{name}' of shape [{string.Join(", ", shape)}] and dtype {dt} needs {expected} bytes, its offsets span {offsets[1] - offsets[0]}");
            return new Entry(name, dtype, shape, offsets[0], offsets[1]);
        }

        // A list of non-negative integers (shape, data_offsets), or a corrupt-file error naming the tensor and field.
        private static long[] Integers(JsonElement list, string path, string name, string field)
        {
            if (list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.Number || !x.TryGetInt64(out _)))
                throw Corrupt(path, $"tensor '{name}' has {field} {(list.GetRawText().Length > 60 ? list.GetRawText()[..60] + "..." : list.GetRawText())}, expected a list of integers");
            return list.EnumerateArray().Select(x => x.GetInt64()).ToArray();
        }

        private static unsafe void ReadInto(FileStream stream, Tensor t, long bytes, string path, string name)
        {
            byte* p = (byte*)t.DataPointer;
            for (long done = 0; done < bytes;)
            {
                int n = (int)Math.Min(ChunkBytes, bytes - done);
                int got = stream.ReadAtLeast(new Span<byte>(p + done, n), n, throwOnEndOfStream: false);
                if (got < n) throw Corrupt(path, $"the data of tensor '{name}' ends early");
                done += n;
            }
        }

        private static unsafe void WriteFrom(FileStream stream, Tensor t)
        {
            using var scope = NewDisposeScope();
            Tensor host = t.detach().to(CPU).contiguous();
            long bytes = host.numel() * ElementSize(host.dtype);
            if (bytes == 0) return;
            byte* p = (byte*)host.DataPointer;
            for (long done = 0; done < bytes;)
            {
                int n = (int)Math.Min(ChunkBytes, bytes - done);
                stream.Write(new ReadOnlySpan<byte>(p + done, n));
                done += n;
            }
        }

        private static InvalidDataException Corrupt(string path, string problem) => new($"{path}: not a valid safetensors file: {problem}");
    }
}
