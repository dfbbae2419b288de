using static TorchBinding.torch;

namespace ClinicalNer.Models.Specs;

/// <summary>
/// Tagger checkpoints the trainer writes: opening any of them whatever the model family (the file mechanics the families
/// share are <see cref="CheckpointFiles"/>).
/// </summary>
public static class NerCheckpoint
{
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
}
