using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClinicalNer.Models.Bert;

/// <summary>
/// BERT sizes with Hugging Face's <c>config.json</c> field names, so a downloaded
/// <c>bert-base-chinese/config.json</c> loads as is (unknown fields are ignored).
/// </summary>
public sealed record BertConfig
{
    /// <summary>Word-piece vocabulary size (21,128 for bert-base-chinese).</summary>
    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; } = 21128;
    /// <summary>Hidden size H.</summary>
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; } = 768;
    /// <summary>Number of encoder layers.</summary>
    [JsonPropertyName("num_hidden_layers")] public int Layers { get; init; } = 12;
    /// <summary>Attention heads per layer (must divide H).</summary>
    [JsonPropertyName("num_attention_heads")] public int Heads { get; init; } = 12;
    /// <summary>Feed-forward inner size.</summary>
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; init; } = 3072;
    /// <summary>Feed-forward activation; only "gelu" (exact, erf) is supported.</summary>
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "gelu";
    /// <summary>Dropout on embeddings and sublayer outputs.</summary>
    [JsonPropertyName("hidden_dropout_prob")] public double HiddenDropout { get; init; } = 0.1;
    /// <summary>Dropout on attention probabilities.</summary>
    [JsonPropertyName("attention_probs_dropout_prob")] public double AttentionDropout { get; init; } = 0.1;
    /// <summary>Longest sequence (position embeddings).</summary>
    [JsonPropertyName("max_position_embeddings")] public int MaxPositions { get; init; } = 512;
    /// <summary>Segment (token type) vocabulary.</summary>
    [JsonPropertyName("type_vocab_size")] public int TypeVocabSize { get; init; } = 2;
    /// <summary>LayerNorm epsilon.</summary>
    [JsonPropertyName("layer_norm_eps")] public double LayerNormEps { get; init; } = 1e-12;
    /// <summary>Standard deviation of the normal initialisation.</summary>
    [JsonPropertyName("initializer_range")] public double InitializerRange { get; init; } = 0.02;
    /// <summary>Id of [PAD].</summary>
    [JsonPropertyName("pad_token_id")] public int PadTokenId { get; init; }

    /// <summary>Size of one attention head.</summary>
    [JsonIgnore] public int HeadSize => HiddenSize / Heads;

    /// <summary>bert-base-chinese: 12 layers, 768 hidden, 12 heads.</summary>
    public static BertConfig Base { get; } = new();

    /// <summary>4 layers, 256 hidden, 4 heads, 1024 inner: the benchmark model, and the domain BERT pretrained on 2 cores.</summary>
    public static BertConfig Small { get; } = new() { HiddenSize = 256, Layers = 4, Heads = 4, IntermediateSize = 1024, MaxPositions = 512 };

    /// <summary>2 layers, 64 hidden, 2 heads: tests and smoke runs.</summary>
    public static BertConfig Tiny { get; } = new() { HiddenSize = 64, Layers = 2, Heads = 2, IntermediateSize = 128, MaxPositions = 128 };

    /// <summary>A preset by name: base, small or tiny.</summary>
    /// <exception cref="ArgumentException">For another name.</exception>
    public static BertConfig Preset(string name) => name?.ToLowerInvariant() switch
    {
        "base" => Base,
        "small" => Small,
        "tiny" => Tiny,
        _ => throw new ArgumentException($"unknown BERT size '{name}' (base, small, tiny, or a config.json path)", nameof(name)),
    };

    /// <summary>Checks the sizes fit together.</summary>
    /// <exception cref="ArgumentException">Naming the field that is wrong.</exception>
    public BertConfig Validate()
    {
        if (VocabSize < 1 || HiddenSize < 1 || Layers < 1 || Heads < 1 || IntermediateSize < 1 || MaxPositions < 1 || TypeVocabSize < 1)
            throw new ArgumentException("BERT config: vocab_size, hidden_size, num_hidden_layers, num_attention_heads, intermediate_size, max_position_embeddings and type_vocab_size must be positive");
        if (HiddenSize % Heads != 0)
            throw new ArgumentException($"BERT config: hidden_size {HiddenSize} is not divisible by num_attention_heads {Heads}");
        if (HiddenAct != "gelu")
            throw new ArgumentException($"BERT config: hidden_act '{HiddenAct}' is not supported (only \"gelu\")");
        return this;
    }

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    /// <summary>The config as Hugging Face JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>Reads Hugging Face JSON.</summary>
    /// <exception cref="InvalidDataException">When the JSON is malformed or the sizes do not fit.</exception>
    public static BertConfig FromJson(string json, string source = "config.json")
    {
        try
        {
            return (JsonSerializer.Deserialize<BertConfig>(json) ?? throw new InvalidDataException($"{source}: empty BERT config")).Validate();
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
    }

    /// <summary>Reads a <c>config.json</c> file.</summary>
    public static BertConfig Load(string path) =>
        File.Exists(path) ? FromJson(File.ReadAllText(path), path) : throw new FileNotFoundException($"BERT config {path} does not exist", path);
}
