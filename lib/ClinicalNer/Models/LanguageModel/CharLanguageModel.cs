using System.Text.Json;
using System.Text.Json.Serialization;
using TorchBinding;
using TorchBinding.Modules;
using static TorchBinding.torch;

namespace ClinicalNer.Models.LanguageModel;

/// <summary>Sizes of a character language model (saved as JSON beside its weights).</summary>
/// <param name="VocabularySize">Characters, with padding (0), unknown (1) and the sentence boundary (2).</param>
/// <param name="EmbeddingDim">Character embedding size.</param>
/// <param name="HiddenSize">LSTM hidden size: the size of the features it gives per character.</param>
/// <param name="Dropout">Dropout on the embeddings and the LSTM's output while training.</param>
/// <param name="Backward">Whether it reads right to left.</param>
public sealed record CharLanguageModelConfig(
    [property: JsonPropertyName("vocab_size")] int VocabularySize,
    [property: JsonPropertyName("embedding_dim")] int EmbeddingDim = 100,
    [property: JsonPropertyName("hidden_size")] int HiddenSize = 512,
    [property: JsonPropertyName("dropout")] double Dropout = 0.1,
    [property: JsonPropertyName("backward")] bool Backward = false)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Serialises the config.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Indented);

    /// <summary>Reads a config written by <see cref="ToJson"/>.</summary>
    /// <exception cref="InvalidDataException">Malformed JSON or sizes that are not positive, naming the file.</exception>
    public static CharLanguageModelConfig FromJson(string json, string source)
    {
        CharLanguageModelConfig? config;
        try { config = JsonSerializer.Deserialize<CharLanguageModelConfig>(json); }
        catch (JsonException e) { throw new InvalidDataException($"{source}: {e.Message}", e); }
        if (config is null || config.VocabularySize < 4 || config.EmbeddingDim < 1 || config.HiddenSize < 1)
            throw new InvalidDataException($"{source}: vocab_size ≥ 4, embedding_dim ≥ 1 and hidden_size ≥ 1 are required");
        return config;
    }
}

/// <summary>
/// A character-level LSTM language model (one direction): embedding → dropout → LSTM → dropout → linear over the
/// characters, trained to predict the next character (the previous one for a backward model, which reads reversed
/// text). Its LSTM states are paper 4's BiLM features. Parameter names: <c>embedding</c>, <c>rnn</c>, <c>decoder</c>.
/// </summary>
public sealed class CharLanguageModel : nn.Module
{
    private readonly Embedding embedding;
    private readonly LSTM rnn;
    private readonly Dropout dropout;
    private readonly Linear decoder;

    /// <summary>Builds the model with random weights.</summary>
    public CharLanguageModel(CharLanguageModelConfig config) : base(nameof(CharLanguageModel))
    {
        Config = config ?? throw new ArgumentNullException(nameof(config));
        embedding = nn.Embedding(config.VocabularySize, config.EmbeddingDim, padding_idx: 0);
        rnn = nn.LSTM(config.EmbeddingDim, config.HiddenSize, batch_first: true);
        dropout = nn.Dropout(config.Dropout);
        decoder = nn.Linear(config.HiddenSize, config.VocabularySize);
        RegisterComponents();
    }

    /// <summary>The sizes.</summary>
    public CharLanguageModelConfig Config { get; }

    /// <summary>The LSTM's output after each character: (B, L, hidden). Position t has read characters 0..t of <paramref name="ids"/>.</summary>
    /// <param name="ids">(B, L) character ids, already reversed for a backward model.</param>
    /// <param name="lengths">Real lengths (B), or null when none is padded.</param>
    public Tensor States(Tensor ids, long[]? lengths = null)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var (output, _, _) = rnn.call(dropout.call(embedding.call(ids)), lengths: lengths);
        return output;
    }

    /// <summary>Mean cross-entropy of predicting each next character of <paramref name="ids"/> from the ones before (padding 0 ignored).</summary>
    /// <param name="ids">(B, L) sequences; position t + 1 is the target of position t.</param>
    public Tensor Loss(Tensor ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        long length = ids.size(1);
        if (length < 2) throw new ArgumentException("a language-model sequence needs at least 2 characters");
        var states = States(ids.narrow(1, 0, length - 1));
        var logits = decoder.call(dropout.call(states));                                         // (B, L-1, V)
        var targets = ids.narrow(1, 1, length - 1);
        return nn.functional.cross_entropy(logits.reshape(-1, Config.VocabularySize), targets.reshape(-1), ignore_index: 0);
    }
}
