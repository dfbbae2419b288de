using static TorchBinding.torch;

namespace TorchBinding.Tests;

public class SafetensorsTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("st-tests").FullName;

    public void Dispose()
    {
        Directory.Delete(dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void Round_trip_keeps_names_dtypes_shapes_and_values()
    {
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>
        {
            ["encoder.layer.0.attention.self.query.weight"] = randn(4, 3),
            ["f64"] = randn([2, 2], ScalarType.Float64),
            ["half"] = randn(3).to_type(ScalarType.Float16),
            ["bf16"] = randn(3).to_type(ScalarType.BFloat16),
            ["ids"] = tensor(new long[] { 1, 2, 3 }),
            ["i32"] = tensor(new int[] { -1, 7 }),
            ["mask"] = tensor(new[] { true, false, true }),
            ["scalar"] = tensor(3.0),
            ["empty"] = zeros(0, 4),
        };
        string path = Path.Combine(dir, "model.safetensors");
        safetensors.save(tensors, path, new Dictionary<string, string> { ["format"] = "pt" });
        var loaded = safetensors.load(path);
        Assert.Equal(tensors.Keys.OrderBy(k => k), loaded.Keys.OrderBy(k => k));
        foreach (var (name, t) in tensors)
        {
            Assert.Equal(t.dtype, loaded[name].dtype);
            Assert.Equal(t.shape, loaded[name].shape);
            Assert.True(t.equal(loaded[name]), name);
        }
        Assert.Equal("pt", safetensors.read_header(path).metadata["format"]);
    }

    [Fact]
    public void Files_cross_between_pytorch_and_us()
    {
        using var scope = NewDisposeScope();
        // Ours → PyTorch → ours: the oracle reads our file with its own reader and writes its own.
        var inputs = new Dictionary<string, Tensor> { ["a"] = randn(2, 3), ["b"] = tensor(new long[] { 5, 6 }) };
        var echoed = PyTorchOracle.Run("echo", inputs);
        Assert.True(echoed["a_twice"].allclose(inputs["a"] * 2));
        Assert.True(echoed["b"].equal(inputs["b"]));
    }

    [Fact]
    public void Truncated_file_gives_a_clear_error()
    {
        using var scope = NewDisposeScope();
        string path = Path.Combine(dir, "t.safetensors");
        safetensors.save(new Dictionary<string, Tensor> { ["w"] = randn(64, 64) }, path);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
        var ex = Assert.Throws<InvalidDataException>(() => safetensors.load(path));
        Assert.Contains(path, ex.Message);
        Assert.Contains("tensor 'w'", ex.Message);
        Assert.Contains("truncated", ex.Message);

        File.WriteAllBytes(path, bytes[..5]);
        Assert.Contains("fewer than the 8-byte header length", Assert.Throws<InvalidDataException>(() => safetensors.load(path)).Message);
    }

    [Fact]
    public void Corrupt_header_gives_a_clear_error()
    {
        string path = Path.Combine(dir, "c.safetensors");
        WriteRaw(path, "{\"w\": {\"dtype\": \"F32\", \"shape\": [2, 2], \"data_offsets\": [0, 16]", 16);
        Assert.Contains("not valid JSON", Assert.Throws<InvalidDataException>(() => safetensors.load(path)).Message);
        WriteRaw(path, "{\"w\": {\"dtype\": \"F32\", \"shape\": [2, 2], \"data_offsets\": [0, 12]}}", 16);
        Assert.Contains("needs 16 bytes, its offsets span 12", Assert.Throws<InvalidDataException>(() => safetensors.load(path)).Message);
        WriteRaw(path, "{\"w\": {\"dtype\": \"C64\", \"shape\": [1], \"data_offsets\": [0, 8]}}", 8);
        Assert.Contains("unsupported dtype", Assert.Throws<InvalidDataException>(() => safetensors.load(path)).Message);
        File.WriteAllBytes(path, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 1, 2]);
        Assert.Contains("header claims", Assert.Throws<InvalidDataException>(() => safetensors.load(path)).Message);
    }

    [Fact]
    public void Save_never_leaves_a_half_written_file()
    {
        using var scope = NewDisposeScope();
        string path = Path.Combine(dir, "keep.safetensors");
        safetensors.save(new Dictionary<string, Tensor> { ["w"] = ones(2) }, path);
        var disposed = randn(2);
        disposed.Dispose();
        Assert.ThrowsAny<Exception>(() => safetensors.save(new Dictionary<string, Tensor> { ["w"] = zeros(2), ["x"] = disposed }, path));
        Assert.True(safetensors.load(path)["w"].equal(ones(2)));
        Assert.Single(Directory.GetFiles(dir));
    }

    /// <summary>A 64 MiB tensor is written and read through native memory: managed allocations stay under 2 MiB each way.</summary>
    [Fact]
    public void Large_tensors_stream_without_managed_copies()
    {
        using var scope = NewDisposeScope();
        string path = Path.Combine(dir, "big.safetensors");
        var big = randn(4096, 4096);
        long before = GC.GetAllocatedBytesForCurrentThread();
        safetensors.save(new Dictionary<string, Tensor> { ["w"] = big }, path);
        long afterSave = GC.GetAllocatedBytesForCurrentThread();
        var loaded = safetensors.load(path);
        long afterLoad = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(afterSave - before < 2 << 20, $"save allocated {(afterSave - before) >> 10} KiB of managed memory");
        Assert.True(afterLoad - afterSave < 2 << 20, $"load allocated {(afterLoad - afterSave) >> 10} KiB of managed memory");
        Assert.True(loaded["w"].equal(big));
    }

    private static void WriteRaw(string path, string header, int dataBytes)
    {
        byte[] h = System.Text.Encoding.UTF8.GetBytes(header);
        using var f = File.Create(path);
        f.Write(BitConverter.GetBytes((ulong)h.Length));
        f.Write(h);
        f.Write(new byte[dataBytes]);
    }
}
