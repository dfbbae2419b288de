using System.Diagnostics;
using TorchBinding;
using static TorchBinding.torch;

namespace TorchBinding.Tests;

/// <summary>
/// Runs a case script from Parity/gen with PyTorch (/usr/bin/python3, python3-torch: the same libtorch)
/// on inputs written by the test, and returns its outputs. Missing PyTorch is a test failure
/// with instructions, never a silent skip.
/// </summary>
internal static class PyTorchOracle
{
    // $LAB_PYTHON where PyTorch is elsewhere (the GPU machine's python3), else Debian's python3-torch.
    internal static readonly string Python = Environment.GetEnvironmentVariable("LAB_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";

    public static Dictionary<string, Tensor> Run(string caseName, IReadOnlyDictionary<string, Tensor> inputs)
    {
        string dir = Path.Combine(Path.GetTempPath(), "ts-oracle-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string src = Path.Combine(dir, "in.safetensors"), dst = Path.Combine(dir, "out.safetensors");
            safetensors.save(inputs, src);
            // Beside the test assembly (not the host's base folder: xunit's console runner on the GPU machine hosts it elsewhere).
            string script = Path.Combine(Path.GetDirectoryName(typeof(PyTorchOracle).Assembly.Location)!, "Parity", "gen", "oracle.py");
            var psi = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (string a in new[] { script, caseName, src, dst }) psi.ArgumentList.Add(a);
            psi.Environment["OPENBLAS_NUM_THREADS"] = "1";
            using Process p = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + Python);
            string stderr = p.StandardError.ReadToEnd();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0)
                throw new InvalidOperationException($"PyTorch oracle '{caseName}' failed (exit {p.ExitCode}); python3-torch is installed by ./lab setup.\n{stderr}");
            return safetensors.load(dst);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Asserts every output of the oracle matches ours (same shape, dtype family and values).</summary>
    public static void AssertAllClose(IReadOnlyDictionary<string, Tensor> expected, IReadOnlyDictionary<string, Tensor> actual, double rtol = 1e-5, double atol = 1e-6)
    {
        Assert.Equal(expected.Keys.OrderBy(k => k), actual.Keys.OrderBy(k => k));
        foreach (var (name, want) in expected)
        {
            Tensor got = actual[name].cpu();   // ours may live on the test device
            Assert.True(want.shape.SequenceEqual(got.shape), $"{name}: shape [{string.Join(",", got.shape)}], PyTorch [{string.Join(",", want.shape)}]");
            using var w = want.to_type(ScalarType.Float64);
            using var g = got.to_type(ScalarType.Float64);
            Assert.True(g.allclose(w, rtol, atol, equal_nan: true), $"{name} differs from PyTorch:\nours    {got}\npytorch {want}");
        }
    }
}
