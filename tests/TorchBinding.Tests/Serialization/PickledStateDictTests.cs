using System.Diagnostics;
using System.Text.Json;
using static TorchBinding.torch;

namespace TorchBinding.Tests;

/// <summary>State dicts written by PyTorch's torch.save (python3-torch), read back without Python, value for value.</summary>
public sealed class PickledStateDictTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ts-pickle").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    // What torch.save writes for a real module's state_dict() (an OrderedDict with _metadata, Parameters), tensors of other
    // types, views with an offset and with transposed strides, and the values as JSON to compare with.
    private const string Script = """
        import collections, json, sys, torch
        torch.manual_seed(0)
        m = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.LayerNorm(2))
        sd = m.state_dict()
        big = torch.arange(24, dtype=torch.float32).reshape(4, 6)
        sd["view.offset"] = big[1:3]                        # shares big's storage from element 6 on
        sd["view.transposed"] = big.t()                     # strides (1, 6)
        sd["half"] = torch.tensor([0.5, -2.0, 3.25], dtype=torch.float16)
        sd["bfloat"] = torch.tensor([1.5, -0.125], dtype=torch.bfloat16)
        sd["long"] = torch.tensor([[1, -7], [2**40, 3]], dtype=torch.int64)
        sd["flag"] = torch.tensor([True, False, True])
        sd["scalar"] = torch.tensor(2.5)
        sd["param"] = torch.nn.Parameter(torch.randn(2, 2))
        torch.save(sd, sys.argv[1])
        torch.save({"state_dict": {"w": torch.ones(2)}, "epoch": 3}, sys.argv[2])
        torch.save(sd, sys.argv[3], _use_new_zipfile_serialization=False)
        json.dump({k: {"shape": list(v.shape), "dtype": str(v.dtype), "values": v.detach().double().flatten().tolist()} for k, v in sd.items()},
                  open(sys.argv[4], "w"))
        """;

    private static void Python(params string[] args)
    {
        var psi = new ProcessStartInfo(PyTorchOracle.Python) { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Script);
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string stderr = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, "python3-torch (./lab setup installs it) failed: " + stderr);
    }

    [Fact]
    public void A_state_dict_saved_by_pytorch_reads_back_value_for_value()
    {
        string file = Path.Combine(dir, "pytorch_model.bin"), nested = Path.Combine(dir, "nested.pt"), legacy = Path.Combine(dir, "legacy.bin"),
            expected = Path.Combine(dir, "expected.json");
        Python(file, nested, legacy, expected);
        var loaded = pickle.load_state_dict(file);
        using var json = JsonDocument.Parse(File.ReadAllText(expected));
        Assert.Equal(json.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal), loaded.Keys.Order(StringComparer.Ordinal));
        foreach (var entry in json.RootElement.EnumerateObject())
        {
            var t = loaded[entry.Name];
            Assert.Equal(entry.Value.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()), t.shape);
            string dtype = entry.Value.GetProperty("dtype").GetString()!;
            Assert.Equal(dtype switch
            {
                "torch.float32" => ScalarType.Float32, "torch.float16" => ScalarType.Float16, "torch.bfloat16" => ScalarType.BFloat16,
                "torch.int64" => ScalarType.Int64, "torch.bool" => ScalarType.Bool, _ => throw new InvalidOperationException(dtype),
            }, t.dtype);
            double[] want = entry.Value.GetProperty("values").EnumerateArray().Select(x => x.GetDouble()).ToArray();
            double[] got = t.to_type(ScalarType.Float64).contiguous().data<double>();
            Assert.Equal(want, got);   // exact: the same bytes
        }
        Assert.Equal([12.0, 13, 14, 15, 16, 17], loaded["view.offset"].flatten().to_type(ScalarType.Float64).data<double>().Skip(6));
        foreach (var t in loaded.Values) t.Dispose();

        // A checkpoint dict holding the state dict under "state_dict".
        var inner = pickle.load_state_dict(nested);
        Assert.Equal(["w"], inner.Keys);
        inner["w"].Dispose();

        // The legacy format (before PyTorch 1.6) is named, with what to do.
        var error = Assert.Throws<InvalidDataException>(() => pickle.load_state_dict(legacy));
        Assert.Contains("legacy format", error.Message, StringComparison.Ordinal);
        Assert.Contains("safetensors", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void What_is_not_a_state_dict_is_named()
    {
        string text = Path.Combine(dir, "notes.bin");
        File.WriteAllText(text, "hello");
        Assert.Contains("not a torch.save file", Assert.Throws<InvalidDataException>(() => pickle.load_state_dict(text)).Message, StringComparison.Ordinal);
        Assert.Throws<FileNotFoundException>(() => pickle.load_state_dict(Path.Combine(dir, "missing.bin")));
    }
}
