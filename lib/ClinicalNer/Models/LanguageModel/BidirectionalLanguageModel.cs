using ClinicalNer.Data;
using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Models.LanguageModel;

/// <summary>
/// Paper 4's BiLM: a forward and a backward <see cref="CharLanguageModel"/> over one character vocabulary, frozen, whose
/// states are features for a tagger the way flair computes them: for character i, the forward model's state after reading
/// characters 0..i and the backward model's state after reading characters n−1..i, concatenated. Both read the sentence
/// after a boundary symbol, so the first character's features come from a real step. Saved as a folder: <c>chars.txt</c>
/// (the vocabulary, one character per line after the three specials) and <c>forward/</c>, <c>backward/</c> (each
/// <c>lm.json</c> + <c>model.safetensors</c>).
/// </summary>
public sealed class BidirectionalLanguageModel : IDisposable
{
    /// <summary>Vocabulary file in a BiLM folder.</summary>
    public const string VocabularyFile = "chars.txt";
    /// <summary>Config file of each direction.</summary>
    public const string ConfigFile = "lm.json";
    /// <summary>Weights file of each direction.</summary>
    public const string WeightsFile = "model.safetensors";
    /// <summary>Padding id.</summary>
    public const int PadId = 0;
    /// <summary>Unknown-character id.</summary>
    public const int UnknownId = 1;
    /// <summary>Sentence-boundary id (read before the first character, and between lines in training).</summary>
    public const int BoundaryId = 2;
    private static readonly string[] Specials = ["<pad>", "<unk>", "<s>"];

    private readonly Dictionary<string, int> ids;

    /// <summary>A BiLM over <paramref name="characters"/> (without the specials) with the given models.</summary>
    public BidirectionalLanguageModel(IReadOnlyList<string> characters, CharLanguageModel forward, CharLanguageModel backward)
    {
        ArgumentNullException.ThrowIfNull(characters);
        Forward = forward ?? throw new ArgumentNullException(nameof(forward));
        Backward = backward ?? throw new ArgumentNullException(nameof(backward));
        Characters = [.. Specials, .. characters];
        ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Characters.Count; i++) ids.TryAdd(Characters[i], i);
        if (forward.Config.Backward || !backward.Config.Backward) throw new ArgumentException("the first model must read forward and the second backward");
        foreach (var m in new[] { forward, backward })
            if (m.Config.VocabularySize != Characters.Count)
                throw new ArgumentException($"a language model has vocab_size {m.Config.VocabularySize} but the vocabulary has {Characters.Count} entries (specials included)");
    }

    /// <summary>The characters by id, the three specials first.</summary>
    public IReadOnlyList<string> Characters { get; }

    /// <summary>The left-to-right model.</summary>
    public CharLanguageModel Forward { get; }

    /// <summary>The right-to-left model.</summary>
    public CharLanguageModel Backward { get; }

    /// <summary>Features per character: forward plus backward hidden size.</summary>
    public int FeatureSize => Forward.Config.HiddenSize + Backward.Config.HiddenSize;

    /// <summary>The id of a character (unknown ones share <see cref="UnknownId"/>).</summary>
    public int Id(string character) => ids.TryGetValue(character, out int id) ? id : UnknownId;

    /// <summary>
    /// Features of each document's characters: (B, L, <see cref="FeatureSize"/>) with L the longest document, zeros past a
    /// document's end; computed in eval mode without gradients (the BiLM is frozen).
    /// </summary>
    public Tensor Features(IReadOnlyList<Document> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (documents.Count == 0) throw new ArgumentException("no documents", nameof(documents));
        int n = documents.Count, length = Math.Max(1, documents.Max(d => d.Length)), width = length + 1;
        var forwardIds = new long[n * width];
        var backwardIds = new long[n * width];
        var backwardIndex = new long[n * length];
        for (int r = 0; r < n; r++)
        {
            var chars = documents[r].Chars;
            int m = chars.Count;
            forwardIds[r * width] = backwardIds[r * width] = BoundaryId;
            for (int i = 0; i < m; i++)
            {
                forwardIds[r * width + 1 + i] = Id(chars[i]);
                backwardIds[r * width + 1 + i] = Id(chars[m - 1 - i]);
                backwardIndex[r * length + i] = m - i;   // the backward state that has read characters m-1..i
            }
        }
        Forward.eval();
        Backward.eval();
        using var _ = no_grad();
        var device = Devices.Of(Forward);   // computed where the language models are
        var forwardStates = Forward.States(Devices.Move(tensor(forwardIds).view(n, width), device)).narrow(1, 1, length);   // after reading 0..i
        var backwardStates = Backward.States(Devices.Move(tensor(backwardIds).view(n, width), device));
        var index = Devices.Move(tensor(backwardIndex).view(n, length, 1), device).expand(n, length, Backward.Config.HiddenSize);
        var features = cat([forwardStates, backwardStates.gather(1, index)], 2);
        var mask = arange(length, ScalarType.Int64, device).unsqueeze(0)
            .lt(Devices.Move(tensor(documents.Select(d => (long)d.Length).ToArray()), device).unsqueeze(1)).unsqueeze(2);
        return features.mul(mask.to_type(features.dtype));
    }

    /// <summary>Writes the vocabulary and both models into <paramref name="directory"/>.</summary>
    public void Save(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        File.WriteAllLines(Path.Combine(directory, VocabularyFile), Characters.Skip(Specials.Length));
        SaveModel(Forward, Path.Combine(directory, "forward"));
        SaveModel(Backward, Path.Combine(directory, "backward"));
    }

    /// <summary>Writes one direction (config and weights) into <paramref name="directory"/>.</summary>
    public static void SaveModel(CharLanguageModel model, string directory)
    {
        ArgumentNullException.ThrowIfNull(model);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, ConfigFile), model.Config.ToJson());
        CheckpointFiles.SaveWeights(model, directory, "char-lm");
    }

    /// <summary>Whether <paramref name="directory"/> holds a whole BiLM (its vocabulary and both directions).</summary>
    public static bool Exists(string directory) =>
        File.Exists(Path.Combine(directory, VocabularyFile)) && Directory.Exists(Path.Combine(directory, "backward"));

    /// <summary>Reads a BiLM folder written by <see cref="Save"/>.</summary>
    /// <exception cref="FileNotFoundException">A missing file, named.</exception>
    public static BidirectionalLanguageModel Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        CheckpointFiles.RequireFiles(directory, VocabularyFile);
        var characters = File.ReadAllLines(Path.Combine(directory, VocabularyFile));
        return new BidirectionalLanguageModel(characters, LoadModel(Path.Combine(directory, "forward")), LoadModel(Path.Combine(directory, "backward")));
    }

    /// <summary>Reads one direction written by <see cref="SaveModel"/>.</summary>
    public static CharLanguageModel LoadModel(string directory)
    {
        CheckpointFiles.RequireFiles(directory, ConfigFile, WeightsFile);
        string configPath = Path.Combine(directory, ConfigFile);
        var model = new CharLanguageModel(CharLanguageModelConfig.FromJson(File.ReadAllText(configPath), configPath));
        CheckpointFiles.LoadWeights(model, directory);
        return model;
    }

    /// <summary>The characters of <paramref name="lines"/> seen at least <paramref name="minCount"/> times, most frequent first.</summary>
    public static List<string> VocabularyOf(IEnumerable<string> lines, int minCount = 1)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string line in lines)
            foreach (string c in Document.SplitChars(line)) counts[c] = counts.GetValueOrDefault(c) + 1;
        return counts.Where(kv => kv.Value >= minCount).OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key).ToList();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Forward.Dispose();
        Backward.Dispose();
    }
}
