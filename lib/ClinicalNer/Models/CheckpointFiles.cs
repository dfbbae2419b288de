using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Models;

/// <summary>
/// The file mechanics every model family's checkpoint shares: one safetensors weights file tagged with the model's kind,
/// loaded with a strict key and shape check, and required files named when missing.
/// </summary>
public static class CheckpointFiles
{
    /// <summary>Weights file in a checkpoint directory.</summary>
    public const string WeightsFile = "model.safetensors";

    /// <summary>The model spec a checkpoint's model was built from (JSON), when it was built from one.</summary>
    public const string SpecFile = "spec.json";

    /// <summary>Writes <paramref name="specJson"/> as <see cref="SpecFile"/> (nothing when null).</summary>
    public static void SaveSpec(string directory, string? specJson)
    {
        if (specJson is null) return;
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, SpecFile), specJson);
    }

    /// <summary>The <see cref="SpecFile"/> of a checkpoint, or null when it has none (written before specs).</summary>
    public static string? ReadSpec(string directory)
    {
        string path = Path.Combine(directory, SpecFile);
        return File.Exists(path) ? File.ReadAllText(path) : null;
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
            if (module is ICheckpointKeys keys) weights = weights.ToDictionary(kv => keys.UpgradeKey(kv.Key), kv => kv.Value);
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
