using ClinicalNer.Data;
using ClinicalNer.Models.Tagging;
using ClinicalNer.Text;
using TorchBinding;
using static TorchBinding.torch;
using ClinicalNer.Models.Parts;

namespace ClinicalNer.Models.Bert;

/// <summary>
/// Paper 4's BERT character features: a frozen BERT encoder's last-layer state of the word piece covering each character
/// (zeros for characters no piece covers, such as spaces). Texts longer than the encoder's window are encoded in
/// consecutive windows of word pieces. Saved as a Hugging Face-layout folder (config.json, vocab.txt, model.safetensors).
/// </summary>
public sealed class BertCharacterFeatures : ICharacterFeatures
{
    /// <summary>The provider's name (and its folder in a checkpoint).</summary>
    public const string ProviderName = "bert";

    /// <summary>Features from <paramref name="encoder"/> (owned by the provider from now on) with its <paramref name="tokenizer"/>.</summary>
    public BertCharacterFeatures(BertModel encoder, WordPieceTokenizer tokenizer)
    {
        Encoder = encoder ?? throw new ArgumentNullException(nameof(encoder));
        Tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        if (tokenizer.VocabularySize != encoder.Config.VocabSize)
            throw new ArgumentException($"the vocabulary has {tokenizer.VocabularySize} entries but the encoder's vocab_size is {encoder.Config.VocabSize}");
    }

    /// <summary>The frozen encoder.</summary>
    public BertModel Encoder { get; }

    /// <summary>Its tokenizer.</summary>
    public WordPieceTokenizer Tokenizer { get; }

    /// <inheritdoc/>
    public string Name => ProviderName;

    /// <inheritdoc/>
    public int Size => Encoder.Config.HiddenSize;

    /// <summary>Loads an encoder folder (a pretraining checkpoint or Hugging Face folder with config.json, vocab.txt, model.safetensors).</summary>
    public static BertCharacterFeatures Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        CheckpointFiles.RequireFiles(directory, BertCheckpoint.ConfigFile, BertCheckpoint.VocabFile);
        var encoder = new BertModel(BertConfig.Load(Path.Combine(directory, BertCheckpoint.ConfigFile)));
        BertCheckpoint.LoadEncoder(encoder, directory);
        return new BertCharacterFeatures(encoder, BertCheckpoint.Tokenizer(Path.Combine(directory, BertCheckpoint.VocabFile), directory));
    }

    /// <inheritdoc/>
    public Tensor Compute(IReadOnlyList<Document> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (documents.Count == 0) throw new ArgumentException("no documents", nameof(documents));
        int maxPieces = Encoder.Config.MaxPositions - 2, length = Math.Max(1, documents.Max(d => d.Length));
        // Every window of every document, and for each character the window and position of its piece.
        var windows = new List<int[]>();
        var where = documents.Select(d => Enumerable.Repeat((-1, -1), d.Length).ToArray()).ToArray();
        for (int r = 0; r < documents.Count; r++)
        {
            var pieces = Tokenizer.TokenizeCharacters(documents[r]);
            for (int start = 0; start < pieces.Count; start += maxPieces)
            {
                var window = pieces.Skip(start).Take(maxPieces).ToList();
                for (int k = 0; k < window.Count; k++)
                    for (int c = window[k].Start; c < window[k].End; c++) where[r][c] = (windows.Count, k + 1);
                windows.Add(window.Select(p => p.Id).ToArray());
            }
        }
        Encoder.eval();
        using var _ = no_grad();
        var device = Devices.Of(Encoder);   // computed where the encoder is
        var features = zeros([documents.Count, length, Size], ScalarType.Float32, device);
        if (windows.Count == 0) return features;
        int width = windows.Max(w => w.Length) + 2;
        var ids = new long[windows.Count * width];
        var mask = new bool[windows.Count * width];
        Array.Fill(ids, Tokenizer.PadId);
        for (int w = 0; w < windows.Count; w++)
        {
            ids[w * width] = Tokenizer.ClsId;
            for (int k = 0; k < windows[w].Length; k++) ids[w * width + 1 + k] = windows[w][k];
            ids[w * width + 1 + windows[w].Length] = Tokenizer.SepId;
            for (int k = 0; k < windows[w].Length + 2; k++) mask[w * width + k] = true;
        }
        var states = Encoder.forward(Devices.Move(tensor(ids).view(windows.Count, width), device), Devices.Move(tensor(mask).view(windows.Count, width), device))
            .reshape(-1, Size);   // (W·width, H)
        // Gather each character's piece state; characters without a piece read row 0 and are zeroed after.
        var rows = new long[documents.Count * length];
        var covered = new bool[documents.Count * length];
        for (int r = 0; r < documents.Count; r++)
            for (int c = 0; c < documents[r].Length; c++)
                if (where[r][c].Item1 >= 0)
                {
                    rows[r * length + c] = (long)where[r][c].Item1 * width + where[r][c].Item2;
                    covered[r * length + c] = true;
                }
        var gathered = states.index_select(0, Devices.Move(tensor(rows), device)).view(documents.Count, length, Size);
        return gathered.mul(Devices.Move(tensor(covered).view(documents.Count, length, 1), device).to_type(gathered.dtype));
    }

    /// <inheritdoc/>
    public void Save(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        safetensors.save(Encoder.state_dict(), Path.Combine(directory, BertCheckpoint.WeightsFile), new Dictionary<string, string> { ["format"] = "pt" });
        File.WriteAllText(Path.Combine(directory, BertCheckpoint.ConfigFile), Encoder.Config.ToJson());
        BertCheckpoint.SaveTokenizer(Tokenizer, directory);
    }

    /// <inheritdoc/>
    public void Dispose() => Encoder.Dispose();
}
