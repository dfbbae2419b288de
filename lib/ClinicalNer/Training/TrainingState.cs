using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Training;

/// <summary>
/// What the trainer and the BERT pretrainer share to schedule and to resume exactly: the warmup/decay factor,
/// the optimizer state saved with libtorch's RNG state, and state files written so that a crash never leaves
/// half of one.
/// </summary>
internal static class TrainingState
{
    /// <summary>Learning-rate factor: linear warmup from ~0 over <paramref name="warmup"/> steps, then linear decay to 0 at <paramref name="total"/> (or constant when <paramref name="decay"/> is false).</summary>
    public static Func<long, double> WarmupThenLinearDecay(long warmup, long total, bool decay = true) => step =>
        step < warmup ? (double)(step + 1) / (warmup + 1)
        : decay ? Math.Max(0.0, (double)(total - step) / Math.Max(1, total - warmup)) : 1.0;

    /// <summary>Saves the optimizer's moments and libtorch's RNG state to one safetensors file.</summary>
    public static void SaveOptimizer(optim.Optimizer optimizer, string path)
    {
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>(optimizer.state_dict()) { ["rng_state"] = get_rng_state() };
        safetensors.save(tensors, path);
    }

    /// <summary>Restores what <see cref="SaveOptimizer"/> wrote and moves <paramref name="schedule"/> forward to <paramref name="steps"/>.</summary>
    public static void RestoreOptimizer(optim.Optimizer optimizer, long optimizerSteps, optim.lr_scheduler.LambdaLR schedule, long steps, string path)
    {
        using var scope = NewDisposeScope();
        var saved = safetensors.load(path);
        set_rng_state(saved["rng_state"]);
        saved.Remove("rng_state");
        optimizer.load_state_dict(saved, optimizerSteps);
        for (long s = 0; s < steps; s++) schedule.step();
    }

    /// <summary>Writes a text file through a temporary file and a rename.</summary>
    public static void WriteAtomically(string path, string text)
    {
        string temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
