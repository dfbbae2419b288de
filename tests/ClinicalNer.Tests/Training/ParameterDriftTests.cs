using ClinicalNer.Training;
using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Tests;

/// <summary>The L1 distance from a snapshot (paper 3's Figure 7).</summary>
public class ParameterDriftTests
{
    [Fact]
    public void The_drift_is_the_sum_of_absolute_changes()
    {
        var a = new nn.Parameter(tensor(new float[] { 1, 2, 3 }));
        var b = new nn.Parameter(tensor(new float[] { -1, 0.5f }));
        using var drift = new ParameterDrift([a, b]);
        Assert.Equal(0, drift.L1());
        using (no_grad())
        {
            a.add_(tensor(new float[] { 0.5f, -0.25f, 0 }));
            b.mul_(2);   // -1 → -2, 0.5 → 1
        }
        Assert.Equal(0.5 + 0.25 + 1 + 0.5, drift.L1(), 6);
    }
}
