using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Models;

/// <summary>
/// Tagger checkpoints the trainer writes: opening any of them whatever the model family, and the file
/// mechanics the families share (one safetensors weights file, required files named when missing).
/// </summary>
public static class NerCheckpoint
{
    /// <summary>Weights file in a checkpoint directory.</summary>
    public const string WeightsFile = "model.safetensors";

    /// <summary>
    /// Loads any tagger checkpoint through its family in <see cref="ModelRegistry"/> (BiLSTM-CRF family, BERT tagger, feature
    /// CRF) onto <paramref name="device"/> (null = the CPU; checkpoints are device-free, so one saved on a GPU loads anywhere).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">When the folder does not exist.</exception>
    public static INerModel Load(string directory, Device? device = null)
    {
        var model = LoadOnHost(directory);
        if (device is not null && device != model.Device) model.MoveTo(device);
        return model;
    }

    private static INerModel LoadOnHost(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        directory = CheckpointFolder.Resolve(directory);
        if (File.Exists(directory)) throw new DirectoryNotFoundException($"checkpoint {directory} is a file; a checkpoint is a folder (best/ or last/ of a training run)");
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"checkpoint folder {directory} does not exist");
        return ModelRegistry.FamilyOf(directory).Load(directory);
    }

    /// <summary>Creates <paramref name="directory"/> and writes the module's state as <see cref="WeightsFile"/>, tagged with the model kind.</summary>
    public static void SaveWeights(nn.Module module, string directory, string kind)
    {
        Directory.CreateDirectory(directory);
        safetensors.save(module.state_dict(), Path.Combine(directory, WeightsFile), new Dictionary<string, string> { ["format"] = "pt", ["kind"] = kind });
    }

    /// <summary>Loads <see cref="WeightsFile"/> into the module (strict key and shape check).</summary>
    public static void LoadWeights(nn.Module module, string directory)
    {
        using var scope = NewDisposeScope();
        string path = Path.Combine(directory, WeightsFile);
        try
        {
            var weights = safetensors.load(path);
            if (module is Models.Parts.ICheckpointKeys keys) weights = weights.ToDictionary(kv => keys.UpgradeKey(kv.Key), kv => kv.Value);
            module.load_state_dict(weights);
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith(path, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path} does not fit the model its config describes: {e.Message}", e);
        }
    }

    /// <exception cref="FileNotFoundException">When one of <paramref name="files"/> is not in <paramref name="directory"/> (named).</exception>
    public static void RequireFiles(string directory, params string[] files)
    {
        foreach (string f in files)
            if (!File.Exists(Path.Combine(directory, f)))
                throw new FileNotFoundException($"checkpoint {directory} lacks {f}", Path.Combine(directory, f));
    }
}
