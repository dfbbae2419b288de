using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Training;

/// <summary>A copy of a module's state (parameters and buffers), taken and put back by name: the best epoch's weights when no checkpoint folder is written.</summary>
internal sealed class WeightSnapshot : IDisposable
{
    private Dictionary<string, Tensor>? copies;

    /// <summary>Replaces the snapshot with copies of <paramref name="module"/>'s current state.</summary>
    public void Take(nn.Module module)
    {
        Dispose();
        using var _ = no_grad();
        copies = module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
    }

    /// <summary>Loads the snapshot into <paramref name="module"/> (strict: same names and shapes).</summary>
    public void RestoreInto(nn.Module module)
    {
        if (copies is null) throw new InvalidOperationException("no weights were kept");
        module.load_state_dict(copies);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (copies is null) return;
        foreach (var t in copies.Values) t.Dispose();
        copies = null;
    }
}
