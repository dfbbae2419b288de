using System.CommandLine;
using System.Text.Json;
using TorchBinding;
using static TorchBinding.torch;

namespace Cli.Commands;

/// <summary><c>lab info</c>: what the engine is running on, as one JSON object.</summary>
internal static class InfoCommand
{
    public static Command Build()
    {
        var command = new Command("info", "libtorch, BLAS, threads (and OpenBLAS's worker spin time), devices and CUDA as one JSON object");
        command.SetAction(_ => Run());
        return command;
    }

    private static int Run()
    {
        var info = new Dictionary<string, object?>
        {
            ["libtorch"] = __version__,
            ["blas"] = blas.config(),
            ["blas_library"] = blas.library_path(),
            ["blas_coretype"] = blas.corename(),
            ["blas_coretype_source"] = TorchBinding.BlasCoreTypes.Source,
            ["blas_threads"] = blas.get_num_threads(),
            ["blas_thread_timeout"] = blas.thread_timeout(),
            ["torch_threads"] = get_num_threads(),
            ["interop_threads"] = get_num_interop_threads(),
            ["mkldnn"] = has_mkldnn(),
            ["thread_config"] = Threading.Source,
            ["cores"] = Environment.ProcessorCount,
            ["cuda_available"] = cuda.is_available(),
            ["cuda_version"] = cuda.version(),
            ["cudnn_version"] = backends.cudnn.version(),
            ["cuda_devices"] = cuda.device_count(),
            ["devices"] = Enumerable.Range(0, cuda.device_count()).Select(i => $"cuda:{i}").Prepend("cpu").ToArray(),
            ["gpus"] = cuda.device_count() > 0 ? GpuNames() : [],
            ["dotnet"] = Environment.Version.ToString(),
        };
        Console.WriteLine(JsonSerializer.Serialize(info));
        return 0;
    }

    // The GPUs' names and memory as the driver reports them (libtorch's C API has no device properties without the CUDA
    // headers, which the shim does not need); empty when nvidia-smi is not there.
    private static string[] GpuNames()
    {
        try
        {
            var psi = new System.Diagnostics.ProcessStartInfo("nvidia-smi", "--query-gpu=name,memory.total --format=csv,noheader") { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = System.Diagnostics.Process.Start(psi);
            if (p is null) return [];
            string output = p.StandardOutput.ReadToEnd();
            p.WaitForExit(10_000);
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return [];
        }
    }
}
