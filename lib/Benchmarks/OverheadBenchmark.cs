using System.Globalization;
using System.Text.Json;
using TorchBinding;
using TorchBinding.Diagnostics;

namespace Benchmarks;

/// <summary>
/// <c>lab bench overhead</c>: the per-op cost of a 4 x 4 add taken apart (transition, handle marshalling, native and
/// managed result handles, the short path or ATen's dispatch and allocation) beside PyTorch's whole 4 x 4 add timed the
/// same way; the ratio is the path users get, aten_path_ratio the same add with the short path off.
/// </summary>
internal static class OverheadBenchmark
{
    private const long Iterations = 200_000;
    private const int Rounds = 5;

    public static int Run()
    {
        Console.WriteLine(JsonSerializer.Serialize(Measure()));
        return 0;
    }

    /// <summary>The benchmark's JSON line.</summary>
    public static Dictionary<string, object> Measure()
    {
        OpOverhead ours = OpOverhead.Measure(Iterations, Rounds);
        var peer = PyTorchPeer.Run("overhead_peer.py", new PeerConfiguration(1, 1), Iterations.ToString(CultureInfo.InvariantCulture), Rounds.ToString(CultureInfo.InvariantCulture));
        double pytorch = peer["add_4x4_ns"];
        var line = new Dictionary<string, object>
        {
            ["bench"] = "overhead",
            ["ours_threads"] = Threading.Description,
            ["machine"] = MachineInfo.Describe(),
            ["pieces_ns"] = ours.Pieces().ToDictionary(p => p.Piece, p => (object)Math.Round(p.Ns, 1)),
            ["aten_path_pieces_ns"] = ours.AtenPieces().ToDictionary(p => p.Piece, p => (object)Math.Round(p.Ns, 1)),
            ["pytorch_add_4x4_ns"] = Math.Round(pytorch, 1),
            ["ratio"] = Math.Round(ours.TotalNs / pytorch, 3),
            ["aten_path_ratio"] = Math.Round(ours.AtenTotalNs / pytorch, 3),
        };
        return line;
    }
}
