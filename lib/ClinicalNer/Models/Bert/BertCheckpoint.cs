using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Models.Bert;

/// <summary>
/// Loads BERT weights from Hugging Face-layout files: <c>model.safetensors</c> (bert-base-chinese's, or our own pretraining
/// checkpoints, which use the same names) or the <c>pytorch_model.bin</c> most Chinese medical BERTs and RoBERTa-wwm-ext
/// ship (written by <c>torch.save</c>, read without Python by <see cref="torch.pickle"/>).
/// </summary>
public static class BertCheckpoint
{
    /// <summary>Weights file name in a checkpoint folder (Hugging Face's).</summary>
    public const string WeightsFile = "model.safetensors";
    /// <summary>The weights file of checkpoints saved with <c>torch.save</c>, read when a folder has no <see cref="WeightsFile"/>.</summary>
    public const string PickledWeightsFile = "pytorch_model.bin";
    /// <summary>Config file name in a checkpoint folder (Hugging Face's).</summary>
    public const string ConfigFile = "config.json";
    /// <summary>Vocabulary file name in a checkpoint folder (Hugging Face's).</summary>
    public const string VocabFile = "vocab.txt";
    /// <summary>Hugging Face's tokenizer settings in a checkpoint folder (its <c>do_lower_case</c> is read and written).</summary>
    public const string TokenizerConfigFile = "tokenizer_config.json";

    /// <summary>
    /// The WordPiece tokenizer of <paramref name="vocabPath"/>, lower-casing as the folder's <see cref="TokenizerConfigFile"/>
    /// says (<c>do_lower_case</c>; true without the file, as bert-base-chinese).
    /// </summary>
    /// <exception cref="InvalidDataException">For a tokenizer config that is not JSON or whose do_lower_case is not a boolean.</exception>
    public static Text.WordPieceTokenizer Tokenizer(string vocabPath, string? folder)
    {
        bool lowerCase = true;
        string? config = folder is null ? null : Path.Combine(folder, TokenizerConfigFile);
        if (config is not null && File.Exists(config))
        {
            try
            {
                using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(config));
                if (json.RootElement.TryGetProperty("do_lower_case", out var flag))
                    lowerCase = flag.ValueKind switch
                    {
                        System.Text.Json.JsonValueKind.True => true,
                        System.Text.Json.JsonValueKind.False => false,
                        _ => throw new InvalidDataException($"{config}: do_lower_case is {flag.GetRawText()}, expected true or false"),
                    };
            }
            catch (System.Text.Json.JsonException e)
            {
                throw new InvalidDataException($"{config}: not JSON ({e.Message.Split(" Path:")[0]})", e);
            }
        }
        return Text.WordPieceTokenizer.FromFile(vocabPath, lowerCase);
    }

    /// <summary>Writes the tokenizer's vocabulary and its lower-casing (<see cref="TokenizerConfigFile"/>) into a folder.</summary>
    public static void SaveTokenizer(Text.WordPieceTokenizer tokenizer, string folder)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        tokenizer.Save(Path.Combine(folder, VocabFile));
        File.WriteAllText(Path.Combine(folder, TokenizerConfigFile), $"{{\"do_lower_case\": {(tokenizer.LowerCase ? "true" : "false")}}}\n");
    }

    /// <summary>
    /// Reads a Hugging Face-layout file with names normalised: TF-era <c>gamma</c>/<c>beta</c> become
    /// <c>weight</c>/<c>bias</c>, and entries that are not parameters here are dropped
    /// (<c>embeddings.position_ids</c>, the tied <c>cls.predictions.decoder.*</c>).
    /// </summary>
    /// <exception cref="FileNotFoundException">When the file is missing.</exception>
    /// <exception cref="InvalidDataException">For a file of neither format (a TensorFlow checkpoint named with what to do).</exception>
    public static Dictionary<string, Tensor> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            string folder = path;
            path = new[] { WeightsFile, PickledWeightsFile }.Select(f => Path.Combine(folder, f)).FirstOrDefault(File.Exists) ?? Path.Combine(folder, WeightsFile);
            if (!File.Exists(path) && Directory.EnumerateFiles(folder, "*.index").Any(f => Path.GetFileName(f).Contains("ckpt", StringComparison.Ordinal)))
                throw new InvalidDataException($"{folder} holds a TensorFlow checkpoint (bert_model.ckpt.*), not {WeightsFile} or {PickledWeightsFile}: convert it with " +
                                               "Hugging Face transformers (BertForPreTraining.from_pretrained(folder, from_tf=True).save_pretrained(out)) first");
        }
        if (!File.Exists(path)) throw new FileNotFoundException($"BERT weights {path} do not exist", path);
        bool pickled = path.EndsWith(".bin", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".pt", StringComparison.OrdinalIgnoreCase)
                       || path.EndsWith(".pth", StringComparison.OrdinalIgnoreCase);
        var result = new Dictionary<string, Tensor>();
        foreach (var (name, t) in pickled ? torch.pickle.load_state_dict(path) : safetensors.load(path))
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
