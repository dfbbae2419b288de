using System.Text.Json;
using ClinicalNer.Data;
using ClinicalNer.Models;
using ClinicalNer.Models.Specs;
using ClinicalNer.Training;

namespace ClinicalNer.Runs;

/// <summary>
/// One training run handed to rank processes (<see cref="LocalRanks"/>): a folder with the model as it is before training
/// (a checkpoint of its initial weights, loadable whatever the family), the trainer options and the training and dev
/// documents. The output folder is written as an absolute path, so every rank resumes from the same <c>last/</c>; which
/// parameters train is written too, since a checkpoint is loaded with every parameter trainable (a frozen table, e.g.
/// pretrained character vectors kept fixed, stays frozen on every rank).
/// </summary>
public static class RankJob
{
    private const string ModelDir = "model", OptionsFile = "options.json", TrainFile = "train.json", DevFile = "dev.json", TrainsFile = "trains.json";

    /// <summary>Writes the run into <paramref name="folder"/> (which exists).</summary>
    public static void Write(string folder, INerModel model, TrainerOptions options, IReadOnlyList<Document> train, IReadOnlyList<Document> dev)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        string modelDir = Path.Combine(folder, ModelDir);
        Directory.CreateDirectory(modelDir);
        model.Save(modelDir);
        var absolute = options with { OutputDir = options.OutputDir is null ? null : Path.GetFullPath(options.OutputDir) };
        File.WriteAllText(Path.Combine(folder, OptionsFile), JsonSerializer.Serialize(absolute));
        File.WriteAllText(Path.Combine(folder, TrainFile), JsonSerializer.Serialize(train));
        File.WriteAllText(Path.Combine(folder, DevFile), JsonSerializer.Serialize(dev));
        var trains = model.Network.named_parameters().ToDictionary(p => p.name, p => p.parameter.requires_grad);
        File.WriteAllText(Path.Combine(folder, TrainsFile), JsonSerializer.Serialize(trains));
    }

    /// <summary>Reads a run written by <see cref="Write"/>: the model (on the CPU; the trainer moves it), its options and data.</summary>
    /// <exception cref="InvalidDataException">A file of the job is missing or unreadable (named).</exception>
    public static (INerModel Model, TrainerOptions Options, IReadOnlyList<Document> Train, IReadOnlyList<Document> Dev) Read(string folder)
    {
        var options = ReadJson<TrainerOptions>(folder, OptionsFile);
        var train = ReadJson<List<Document>>(folder, TrainFile);
        var dev = ReadJson<List<Document>>(folder, DevFile);
        var trains = ReadJson<Dictionary<string, bool>>(folder, TrainsFile);
        var model = NerCheckpoint.Load(Path.Combine(folder, ModelDir));
        foreach (var (name, parameter) in model.Network.named_parameters())
            if (trains.TryGetValue(name, out bool trained)) parameter.requires_grad_(trained);
        return (model, options, train, dev);
    }

    private static T ReadJson<T>(string folder, string file)
    {
        string path = Path.Combine(folder, file);
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path} holds null");
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            throw new InvalidDataException($"the rank job's {path} cannot be read: {e.Message}", e);
        }
    }
}
