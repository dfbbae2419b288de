using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ClinicalNer.Data;
using ClinicalNer.Models;
using ClinicalNer.Training;
using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Runs;

/// <summary>
/// What a run ran, as one hash: the model (its config JSON and a fingerprint of its initial weights, so pretrained
/// vectors or a BERT checkpoint that changed at the same path count), the training options and the data's content. A
/// finished run is reused only when its key matches (MLflow's params, DVC's input hashes): a smoke run never stands in
/// for a default one, and a changed epoch count, learning rate or corpus starts a new run.
/// </summary>
/// <remarks>
/// The options' output folder and device are left out: where checkpoints go and which device computes do not change
/// what the run is. Everything else in <see cref="TrainerOptions"/> counts, the seed included.
/// </remarks>
public static class RunKey
{
    // Bumped when what goes into a key changes, so keys of different recipes never meet.
    private const string Recipe = "run-key/1";

    /// <summary>The key of training <paramref name="model"/> (as it is now, before training) with <paramref name="options"/> on data <paramref name="data"/>.</summary>
    /// <param name="model">The freshly built model.</param>
    /// <param name="options">The trainer options (seed included).</param>
    /// <param name="data">The data's fingerprint (<see cref="DataFingerprint"/>).</param>
    /// <returns>16 hexadecimal digits.</returns>
    public static string Of(INerModel model, TrainerOptions options, string data)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Of(model.ConfigJson, WeightsFingerprint(model.Network), options, data);
    }

    /// <summary>The key from its parts: a model description, a fingerprint of its initial weights, the options and the data's fingerprint.</summary>
    public static string Of(string modelJson, string weights, TrainerOptions options, string data)
    {
        ArgumentNullException.ThrowIfNull(modelJson);
        ArgumentNullException.ThrowIfNull(options);
        var text = new StringBuilder()
            .Append(Recipe).Append('\n')
            .Append("model ").Append(modelJson).Append('\n')
            .Append("weights ").Append(weights).Append('\n')
            .Append("options ").Append(OptionsJson(options)).Append('\n')
            .Append("data ").Append(data);
        return Hex(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }

    /// <summary>The options as they count for a key: without the output folder and the device.</summary>
    public static string OptionsJson(TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return JsonSerializer.Serialize(options with { OutputDir = null, Device = null });
    }

    /// <summary>
    /// A hash of the documents of each split, in order: their characters and their entities (start, end, type). Ids and
    /// source paths do not count, so the same corpus copied elsewhere has the same fingerprint.
    /// </summary>
    /// <param name="splits">The splits in a fixed order (train, dev, test); a missing split may be null.</param>
    public static string DataFingerprint(params IReadOnlyList<Document>?[] splits)
    {
        ArgumentNullException.ThrowIfNull(splits);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var split in splits)
        {
            Add(hash, split is null ? "split none\n" : string.Create(CultureInfo.InvariantCulture, $"split {split.Count}\n"));
            foreach (var document in split ?? [])
            {
                Add(hash, document.Text);
                Add(hash, "\u0001");
                foreach (var e in document.Entities) Add(hash, string.Create(CultureInfo.InvariantCulture, $"{e.Start},{e.End},{e.Type};"));
                Add(hash, "\u0002");
            }
        }
        return Hex(hash.GetHashAndReset())[..16];
    }

    /// <summary>A hash of a module's state (names, types, shapes and values of every parameter and buffer).</summary>
    public static string WeightsFingerprint(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, tensor) in module.state_dict().OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            Add(hash, $"{name} {tensor.dtype} [{string.Join(',', tensor.shape)}]\n");
            if (tensor.is_floating_point()) AddValues(hash, tensor.to_type(ScalarType.Float32).data<float>());
            else AddValues(hash, tensor.to_type(ScalarType.Int64).data<long>());
        }
        return Hex(hash.GetHashAndReset())[..16];
    }

    private static void AddValues<T>(IncrementalHash hash, T[] values) where T : unmanaged =>
        hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));

    private static void Add(IncrementalHash hash, string text) => hash.AppendData(Encoding.UTF8.GetBytes(text));

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
