using System.Text.Json;
using System.Text.Json.Serialization;
using ClinicalNer.Models.Parts;
using ClinicalNer.Text;
using ClinicalNer.Models.Specs;

namespace ClinicalNer.Models.Tagging;

/// <summary>
/// Hyper-parameters of a <see cref="SequenceTagger"/>: embedder (characters, optional words and dictionary features), the
/// encoder stack and the decoder. Immutable; round-trips to JSON. The encoders and the decoder are parts
/// (<see cref="EncoderParts"/>, <see cref="DecoderPart"/>: any registered in <see cref="PartRegistry"/>); when they are not
/// given, the shorthand fields (<see cref="Encoder"/>, <see cref="HiddenSize"/>, <see cref="Layers"/>,
/// <see cref="StackedHiddenSize"/>, <see cref="AttentionHeads"/>, <see cref="Decoder"/>, <see cref="ConstrainedDecoding"/>)
/// stand for them, as in every checkpoint written before parts.
/// </summary>
/// <param name="CharVocabularySize">Characters (id 0 = padding, 1 = unknown).</param>
/// <param name="Labels">Tag labels; index = tag id ("O" first by convention).</param>
/// <param name="Scheme">The tag scheme of <paramref name="Labels"/> (constrains CRF decoding).</param>
/// <param name="CharEmbeddingDim">Character embedding size.</param>
/// <param name="WordVocabularySize">Words of the segmentation layer (0 = no word embeddings).</param>
/// <param name="WordEmbeddingDim">Word embedding size (each character gets its word's vector).</param>
/// <param name="DictionaryLabelCount">Dictionary feature labels (0 = no dictionary features).</param>
/// <param name="BigramVocabularySize">Character bigrams (cᵢcᵢ₊₁) in the vocabulary (0 = no bigram embeddings).</param>
/// <param name="BigramEmbeddingDim">Bigram embedding size.</param>
/// <param name="DictionaryEmbeddingDim">Dictionary feature embedding size.</param>
/// <param name="Encoder">Sequence encoder.</param>
/// <param name="HiddenSize">Units per direction of the encoder.</param>
/// <param name="Layers">Stacked encoder layers.</param>
/// <param name="AttentionHeads">Heads of a self-attention layer over encoder states (0 = none).</param>
/// <param name="Decoder">Softmax or CRF.</param>
/// <param name="Dropout">Dropout on embeddings and encoder outputs.</param>
/// <param name="ConstrainedDecoding">Apply the scheme's transition constraints when decoding with a CRF.</param>
/// <param name="StackedHiddenSize">
/// A second bidirectional recurrent encoder of this size on top of the first (paper 2's code: BiLSTM 128, then 64); 0 = none.
/// </param>
/// <param name="FeatureProviders">
/// Frozen per-character feature providers concatenated with the embeddings (paper 4's fusion: "bilm", "bert"), by name
/// and size, in order; empty = none.
/// </param>
/// <param name="LexiconWordCount">SoftLexicon words with padding and none (0 = no word sets): see <see cref="Text.Lexicon.SoftLexicon"/>.</param>
/// <param name="LexiconEmbeddingDim">SoftLexicon word embedding size; each character gets its four pooled sets, 4 × this.</param>
/// <param name="EncoderParts">The encoder stack as parts, in order (empty: none); null: the shorthand fields.</param>
/// <param name="DecoderPart">The decoder as a part; null: the shorthand fields.</param>
/// <param name="InputParts">Inputs of one's own (registered <see cref="InputSpec"/>s, prepared on the training text),
/// concatenated after the built-in inputs in order; null or empty for none.</param>
public sealed record SequenceTaggerConfig(
    int CharVocabularySize,
    IReadOnlyList<string> Labels,
    TagScheme Scheme = TagScheme.BIO,
    int CharEmbeddingDim = 100,
    int WordVocabularySize = 0,
    int WordEmbeddingDim = 50,
    int DictionaryLabelCount = 0,
    int DictionaryEmbeddingDim = 50,
    int BigramVocabularySize = 0,
    int BigramEmbeddingDim = 50,
    EncoderKind Encoder = EncoderKind.BiLstm,
    int HiddenSize = 128,
    int Layers = 1,
    int AttentionHeads = 0,
    DecoderKind Decoder = DecoderKind.Crf,
    double Dropout = 0.5,
    bool ConstrainedDecoding = true,
    int StackedHiddenSize = 0,
    IReadOnlyList<FeatureProviderInfo>? FeatureProviders = null,
    int LexiconWordCount = 0,
    int LexiconEmbeddingDim = 50,
    IReadOnlyList<EncoderSpec>? EncoderParts = null,
    DecoderSpec? DecoderPart = null,
    IReadOnlyList<InputSpec>? InputParts = null)
{
    // The registry's options (parts by their "type"), lenient about fields that older checkpoints had and these do not.
    private static JsonSerializerOptions Json => new(PartRegistry.Json) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip };

    /// <summary>The encoder stack: <see cref="EncoderParts"/>, or the parts the shorthand fields stand for.</summary>
    [JsonIgnore]
    public IReadOnlyList<EncoderSpec> EncoderStack => EncoderParts ?? ShorthandEncoders();

    /// <summary>The decoder: <see cref="DecoderPart"/>, or the part the shorthand fields stand for.</summary>
    [JsonIgnore]
    public DecoderSpec TagDecoder => DecoderPart ?? (Decoder == DecoderKind.Crf ? new CrfSpec(ConstrainedDecoding) : new SoftmaxSpec());

    /// <summary>The model's name from its parts: encoders (repeats once), or "Embedding" without one, then the decoder ("BiGRU-Attention-CRF").</summary>
    [JsonIgnore]
    public string DisplayName => NameOf(EncoderStack, TagDecoder);

    /// <summary>A tagger's name from its parts: encoders (repeats once), or "Embedding" without one, then the decoder.</summary>
    public static string NameOf(IReadOnlyList<EncoderSpec> encoders, DecoderSpec decoder)
    {
        ArgumentNullException.ThrowIfNull(encoders);
        ArgumentNullException.ThrowIfNull(decoder);
        var names = encoders.Select(e => e.DisplayName).Where((n, i) => i == 0 || n != encoders[i - 1].DisplayName).ToList();
        return string.Join('-', (names.Count == 0 ? ["Embedding"] : names).Append(decoder.DisplayName));
    }

    // BiLSTM/BiGRU of HiddenSize x Layers, a second one of StackedHiddenSize, self-attention of AttentionHeads.
    private List<EncoderSpec> ShorthandEncoders()
    {
        var stack = new List<EncoderSpec>();
        if (Encoder != EncoderKind.None)
        {
            stack.Add(Encoder == EncoderKind.BiLstm ? new BiLstmSpec(HiddenSize, Layers) : new BiGruSpec(HiddenSize, Layers));
            if (StackedHiddenSize > 0) stack.Add(Encoder == EncoderKind.BiLstm ? new BiLstmSpec(StackedHiddenSize) : new BiGruSpec(StackedHiddenSize));
        }
        if (AttentionHeads > 0) stack.Add(new AttentionSpec(AttentionHeads));
        return stack;
    }

    /// <summary>Size of the concatenated embeddings.</summary>
    public int EmbeddingDim => CharEmbeddingDim + (WordVocabularySize > 0 ? WordEmbeddingDim : 0) + (DictionaryLabelCount > 0 ? DictionaryEmbeddingDim : 0)
        + (BigramVocabularySize > 0 ? BigramEmbeddingDim : 0) + (LexiconWordCount > 0 ? Text.Lexicon.SoftLexicon.SetCount * LexiconEmbeddingDim : 0)
        + ExternalFeatureDim + checked((int)(InputParts?.Sum(i => i.OutputSize()) ?? 0));

    /// <summary>Features per character from the frozen providers (0 without them).</summary>
    public int ExternalFeatureDim => FeatureProviders?.Sum(p => p.Size) ?? 0;

    /// <summary>Size of the encoder stack's output.</summary>
    public int EncodedDim => checked((int)EncoderStack.Aggregate((long)EmbeddingDim, (size, encoder) => encoder.OutputSize(size)));

    /// <summary>JSON text of the config.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses a config written by <see cref="ToJson"/>.</summary>
    /// <exception cref="InvalidDataException">For JSON that is not a tagger config.</exception>
    public static SequenceTaggerConfig FromJson(string json, string source = "tagger.json")
    {
        SequenceTaggerConfig config;
        try
        {
            config = JsonSerializer.Deserialize<SequenceTaggerConfig>(json, Json) ?? throw new InvalidDataException($"{source}: empty tagger config");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source}: not a sequence tagger config: {PartRegistry.Describe(ex)}", ex);
        }
        catch (NotSupportedException ex)
        {
            throw new InvalidDataException($"{source}: an encoder or decoder part lacks its \"type\" ({ex.Message.Split(" Path:")[0]})", ex);
        }
        config.Validate(source);
        return config;
    }

    /// <summary>Checks that the sizes make a model (a hand-edited or truncated config names its field).</summary>
    /// <exception cref="InvalidDataException">At the first field out of range.</exception>
    public void Validate(string source = "tagger config")
    {
        void Require(bool ok, string problem)
        {
            if (!ok) throw new InvalidDataException($"{source}: {problem}");
        }
        Require(CharVocabularySize >= 2, $"CharVocabularySize is {CharVocabularySize}; a tagger needs at least padding and one character (missing field?)");
        Require(Labels is { Count: > 0 }, "Labels is missing or empty");
        Require(CharEmbeddingDim >= 1, $"CharEmbeddingDim is {CharEmbeddingDim}, expected at least 1");
        Require(WordVocabularySize >= 0 && BigramVocabularySize >= 0 && DictionaryLabelCount >= 0 && LexiconWordCount >= 0, "a vocabulary size is negative");
        Require(LexiconWordCount == 0 || LexiconEmbeddingDim >= 1, $"LexiconEmbeddingDim is {LexiconEmbeddingDim}, expected at least 1");
        if (EncoderParts is null)
        {
            Require(Encoder == EncoderKind.None || HiddenSize >= 1, $"HiddenSize is {HiddenSize}, expected at least 1");
            Require(Layers >= 1, $"Layers is {Layers}, expected at least 1");
            Require(AttentionHeads >= 0, $"AttentionHeads is {AttentionHeads}, expected 0 or more");
        }
        else Require(EncoderParts.All(e => e is not null), "EncoderParts holds a null entry");
        Require(InputParts is null || InputParts.All(i => i is not null && i.OutputSize() >= 1), "InputParts holds a null entry or one of size 0");
        Require(Dropout is >= 0 and < 1, $"Dropout is {Dropout}, expected [0, 1)");
    }
}

/// <summary>A frozen feature provider a tagger was built with: its name (its folder in the checkpoint) and its size.</summary>
/// <param name="Name">"bilm", "bert", ...</param>
/// <param name="Size">Features per character.</param>
public sealed record FeatureProviderInfo(string Name, int Size);
