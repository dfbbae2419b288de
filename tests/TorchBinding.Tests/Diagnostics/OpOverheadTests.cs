using TorchBinding.Diagnostics;
using static TorchBinding.torch;

namespace TorchBinding.Tests;

/// <summary>The per-op overhead probes: every piece is measured, the pieces account for the whole, the switch is restored.</summary>
[Collection(nameof(SmallPointwiseTests))]   // switches backends.small_pointwise while it measures
public class OpOverheadTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Every_piece_is_measured_the_pieces_add_up_to_the_whole_and_the_switch_is_restored(bool shortPathBefore)
    {
        long before = Tensor.TotalCount;
        backends.small_pointwise = shortPathBefore;
        try
        {
            // The short-path probe refuses operands the path does not take: a 4 x 4 float add must be one it takes.
            var o = OpOverhead.Measure(iterations: 2_000, rounds: 1);
            Assert.Equal(shortPathBefore, backends.small_pointwise);
            foreach (double ns in new[] { o.TransitionNs, o.NativeHandleNs, o.AtenDispatchNs, o.AtenTotalNs, o.ShortPathNs, o.TotalNs })
                Assert.True(ns > 0 && double.IsFinite(ns), $"a piece measured {ns} ns");
            foreach (var pieces in new[] { o.Pieces(), o.AtenPieces() })
            {
                Assert.Equal(("other", "total"), (pieces[^2].Piece, pieces[^1].Piece));
                Assert.Equal(pieces[^1].Ns, pieces.Take(pieces.Count - 1).Sum(p => p.Ns), 6);
                var named = pieces.Take(pieces.Count - 2).Select(p => p.Ns).ToList();
                Assert.Equal(named.OrderByDescending(n => n), named);   // largest first
            }
            Assert.Equal(o.TotalNs, o.Pieces()[^1].Ns);
            Assert.Equal(o.AtenTotalNs, o.AtenPieces()[^1].Ns);
        }
        finally
        {
            backends.small_pointwise = true;
        }
        Assert.Equal(before, Tensor.TotalCount);   // every tensor it made is released
    }
}
