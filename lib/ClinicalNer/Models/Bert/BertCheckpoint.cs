using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Models.Bert;

/// <summary>
/// Loads BERT weights from Hugging Face-layout safetensors files (bert-base-chinese's
/// <c>model.safetensors</c>, or our own pretraining checkpoints, which use the same names).
/// </summary>
public static class BertCheckpoint
{
    /// <summary>Weights file name in a checkpoint folder (Hugging Face's).</summary>
    public const string WeightsFile = "model.safetensors";
    /// <summary>Config file name in a checkpoint folder (Hugging Face's).</summary>
    public const string ConfigFile = "config.json";
    /// <summary>Vocabulary file name in a checkpoint folder (Hugging Face's).</summary>
    public const string VocabFile = "vocab.txt";

    /// <summary>
    /// Reads a Hugging Face-layout file with names normalised: TF-era <c>gamma</c>/<c>beta</c> become
    /// <c>weight</c>/<c>bias</c>, and entries that are not parameters here are dropped
    /// (<c>embeddings.position_ids</c>, the tied <c>cls.predictions.decoder.*</c>).
    /// </summary>
    /// <exception cref="FileNotFoundException">When the file is missing.</exception>
    /// <exception cref="NotSupportedException">For PyTorch pickles (<c>pytorch_model.bin</c>).</exception>
    public static Dictionary<string, Tensor> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path)) path = Path.Combine(path, WeightsFile);
        if (path.EndsWith(".bin", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".pt", StringComparison.OrdinalIgnoreCase))
            throw new NotSupportedException($"{path}: PyTorch pickle files cannot be read here; convert it to safetensors (model.safetensors) first");
        if (!File.Exists(path)) throw new FileNotFoundException($"BERT weights {path} do not exist", path);
        var result = new Dictionary<string, Tensor>();
        foreach (var (name, t) in safetensors.load(path))
        {
            if (name.EndsWith("position_ids", StringComparison.Ordinal) || name.StartsWith("cls.predictions.decoder.", StringComparison.Ordinal))
            {
                t.Dispose();
                continue;
            }
            string key = name.EndsWith(".gamma", StringComparison.Ordinal) ? name[..^6] + ".weight"
                : name.EndsWith(".beta", StringComparison.Ordinal) ? name[..^5] + ".bias" : name;
            result[key] = t;
        }
        return result;
    }

    /// <summary>
    /// Loads the encoder's weights from a file or checkpoint folder, strictly: with or without the
    /// <c>bert.</c> prefix, pretraining heads and classifier weights ignored, every missing, unexpected or
    /// mis-shaped encoder key named together with the file.
    /// </summary>
    public static void LoadEncoder(BertModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = NewDisposeScope();
        var all = Read(path);
        bool prefixed = all.Keys.Any(k => k.StartsWith("bert.", StringComparison.Ordinal));
        var encoder = new Dictionary<string, Tensor>();
        foreach (var (k, t) in all)
        {
            if (prefixed && k.StartsWith("bert.", StringComparison.Ordinal)) encoder[k[5..]] = t;
            else if (!prefixed && !k.StartsWith("cls.", StringComparison.Ordinal) && !k.StartsWith("classifier.", StringComparison.Ordinal)) encoder[k] = t;
        }
        Load(model, encoder, path);
    }

    /// <summary>Loads a whole pretraining model (encoder and heads) strictly.</summary>
    public static void LoadPretraining(BertForPreTraining model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = NewDisposeScope();
        Load(model, Read(path), path);
    }

    private static void Load(nn.Module model, Dictionary<string, Tensor> weights, string path)
    {
        try
        {
            model.load_state_dict(weights);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: the weights do not fit this BERT ({e.Message})", e);
        }
    }
}
