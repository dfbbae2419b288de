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
            ["blas_threads"] = blas.get_num_threads(),
            ["blas_thread_timeout"] = blas.thread_timeout(),
            ["torch_threads"] = get_num_threads(),
            ["interop_threads"] = get_num_interop_threads(),
            ["mkldnn"] = has_mkldnn(),
            ["thread_config"] = Threading.Source,
            ["cores"] = Environment.ProcessorCount,
            ["cuda_available"] = cuda.is_available(),
            ["cuda_devices"] = cuda.device_count(),
            ["devices"] = Enumerable.Range(0, cuda.device_count()).Select(i => $"cuda:{i}").Prepend("cpu").ToArray(),
            ["dotnet"] = Environment.Version.ToString(),
        };
        Console.WriteLine(JsonSerializer.Serialize(info));
        return 0;
    }
}
