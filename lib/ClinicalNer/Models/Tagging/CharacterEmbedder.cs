using ClinicalNer.Models.Parts;
using ClinicalNer.Text.Lexicon;
using TorchBinding;
using TorchBinding.Modules;
using static TorchBinding.torch;

namespace ClinicalNer.Models.Tagging;

/// <summary>
/// An embedder: the first part of a tagger, from a batch's ids to one vector per position (B, L, <see cref="OutputSize"/>).
/// </summary>
/// <typeparam name="TBatch">The batch type it reads.</typeparam>
public interface IEmbedder<in TBatch>
{
    /// <summary>Size of each position's vector.</summary>
    long OutputSize { get; }

    /// <summary>Embeds a batch.</summary>
    Tensor Embed(TBatch batch);
}

/// <summary>
/// The character-level embedder of the BiLSTM-CRF family: a character embedding, plus optional word (entity-aware
/// segmentation), character-bigram and dictionary-feature embeddings, concatenated per character, then the SoftLexicon
/// word sets pooled by their weights, the features of frozen providers, and the config's own input parts. Its tables are
/// exposed so pretrained vectors can be loaded and the LSTM's input projection folded into them
/// (<see cref="Lookups"/>). Parameter names: <c>char_embedding</c>, <c>word_embedding</c>, <c>bigram_embedding</c>,
/// <c>dictionary_embedding</c>, <c>lexicon_embedding</c>, and <c>inputs.0</c>, <c>inputs.1</c>, ... for the input parts.
/// </summary>
public sealed class CharacterEmbedder : nn.Module, IEmbedder<TaggerBatch>
{
    private readonly Embedding char_embedding;
    private readonly Embedding? word_embedding;
    private readonly Embedding? bigram_embedding;
    private readonly Embedding? dictionary_embedding;
    private readonly Embedding? lexicon_embedding;
    private readonly int externalSize;
    private readonly ModuleList<nn.Module>? inputs;

    /// <summary>Builds the tables the config asks for.</summary>
    public CharacterEmbedder(SequenceTaggerConfig config) : base(nameof(CharacterEmbedder))
    {
        ArgumentNullException.ThrowIfNull(config);
        char_embedding = nn.Embedding(config.CharVocabularySize, config.CharEmbeddingDim, padding_idx: 0);
        if (config.WordVocabularySize > 0) word_embedding = nn.Embedding(config.WordVocabularySize, config.WordEmbeddingDim, padding_idx: 0);
        if (config.BigramVocabularySize > 0) bigram_embedding = nn.Embedding(config.BigramVocabularySize, config.BigramEmbeddingDim, padding_idx: 0);
        if (config.LexiconWordCount > 0) lexicon_embedding = nn.Embedding(config.LexiconWordCount, config.LexiconEmbeddingDim, padding_idx: 0);
        if (config.DictionaryLabelCount > 0) dictionary_embedding = nn.Embedding(config.DictionaryLabelCount + 1, config.DictionaryEmbeddingDim, padding_idx: 0);
        OutputSize = config.EmbeddingDim;
        externalSize = config.ExternalFeatureDim;
        if (config.InputParts is { Count: > 0 } parts)
            inputs = new ModuleList<nn.Module>(parts.Select(p => p.Build() is IInputEmbedding and nn.Module m ? m
                : throw new ArgumentException($"the input part {p.DisplayName} did not build an {nameof(IInputEmbedding)}")));
        InputParts = config.InputParts ?? [];
        RegisterComponents();
    }

    /// <inheritdoc/>
    public long OutputSize { get; }

    /// <summary>Character embedding table (for loading pretrained vectors).</summary>
    public Embedding Characters => char_embedding;

    /// <summary>Word embedding table, or null.</summary>
    public Embedding? Words => word_embedding;

    /// <summary>Bigram embedding table, or null.</summary>
    public Embedding? Bigrams => bigram_embedding;

    /// <summary>SoftLexicon word embedding table (id 0 padding, 1 none), or null.</summary>
    public Embedding? LexiconWords => lexicon_embedding;

    /// <summary>Every table of the embedder: characters first, then words, bigrams, dictionary labels and SoftLexicon words where present.</summary>
    public IEnumerable<Embedding> Tables => new[] { char_embedding, word_embedding, bigram_embedding, dictionary_embedding, lexicon_embedding }.OfType<Embedding>();

    /// <summary>The lookups whose concatenation is the embedding, in order: each table with the batch's ids for it.</summary>
    public List<(Embedding Table, Tensor Ids)> Lookups(TaggerBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var inputs = new List<(Embedding, Tensor)> { (char_embedding, batch.Chars) };
        if (word_embedding is not null)
            inputs.Add((word_embedding, batch.Words ?? throw new ArgumentException("this tagger needs word ids (Words) in its batches")));
        if (bigram_embedding is not null)
            inputs.Add((bigram_embedding, batch.Bigrams ?? throw new ArgumentException("this tagger needs bigram ids in its batches")));
        if (dictionary_embedding is not null)
            inputs.Add((dictionary_embedding, batch.Dictionary ?? throw new ArgumentException("this tagger needs dictionary features in its batches")));
        return inputs;
    }

    /// <summary>The config's own input parts, in the order of their vectors.</summary>
    public IReadOnlyList<InputSpec> InputParts { get; }

    /// <summary>Whether the embedding includes features of frozen providers (<see cref="TaggerBatch.Features"/>).</summary>
    public bool UsesFeatures => externalSize > 0;

    /// <summary>
    /// Whether the embedding is table lookups only (no pooled SoftLexicon sets, no providers' features), so that the LSTM's
    /// input projection can be folded into the tables.
    /// </summary>
    public bool OnlyLookups => externalSize == 0 && lexicon_embedding is null && inputs is null;

    /// <inheritdoc/>
    public Tensor Embed(TaggerBatch batch)
    {
        var parts = Lookups(batch).Select(i => i.Table.call(i.Ids)).ToList();                  // (B, L, E_k)
        if (lexicon_embedding is not null)
        {
            var ids = batch.LexiconWords ?? throw new ArgumentException("this tagger needs SoftLexicon word sets (LexiconWords) in its batches");
            var weights = batch.LexiconWeights ?? throw new ArgumentException("this tagger needs the weights of its SoftLexicon word sets (LexiconWeights)");
            if (ids.ndim != 4 || ids.size(2) != SoftLexicon.SetCount || !ids.shape.SequenceEqual(weights.shape) || ids.size(1) != batch.Chars.size(1))
                throw new ArgumentException($"SoftLexicon sets are [{string.Join(", ", ids.shape)}] with weights [{string.Join(", ", weights.shape)}]; the tagger needs both (B, {batch.Chars.size(1)}, 4, K)");
            var pooled = (lexicon_embedding.call(ids) * weights.unsqueeze(-1).to(lexicon_embedding.weight.dtype)).sum(3);   // (B, L, 4, D)
            parts.Add(pooled.reshape(pooled.size(0), pooled.size(1), -1));                        // (B, L, 4D)
        }
        if (externalSize > 0)
        {
            var features = batch.Features ?? throw new ArgumentException($"this tagger needs {externalSize} features per character from its providers in its batches");
            if (features.size(2) != externalSize || features.size(1) != batch.Chars.size(1))
                throw new ArgumentException($"provider features are [{string.Join(", ", features.shape)}]; the tagger needs (B, {batch.Chars.size(1)}, {externalSize})");
            parts.Add(features);
        }
        if (inputs is not null)
        {
            var encoded = batch.Inputs ?? throw new ArgumentException($"this tagger needs its {inputs.Count} input part(s) encoded in its batches (Inputs)");
            if (encoded.Count != inputs.Count) throw new ArgumentException($"the batch has {encoded.Count} encoded input part(s); the tagger has {inputs.Count}");
            for (int k = 0; k < inputs.Count; k++)
            {
                var x = ((IInputEmbedding)inputs[k]).Embed(encoded[k]);
                long size = InputParts[k].OutputSize();
                if (x.ndim != 3 || x.size(0) != batch.Chars.size(0) || x.size(1) != batch.Chars.size(1) || x.size(2) != size)
                    throw new ArgumentException($"the input part {InputParts[k].DisplayName} embedded [{string.Join(", ", x.shape)}]; the tagger needs ({batch.Chars.size(0)}, {batch.Chars.size(1)}, {size})");
                parts.Add(x);
            }
        }
        return parts.Count == 1 ? parts[0] : cat(parts, 2);                                      // (B, L, E)
    }
}
