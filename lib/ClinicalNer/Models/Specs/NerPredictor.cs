using ClinicalNer.Data;
using ClinicalNer.Text;
using static TorchBinding.torch;
using ClinicalNer.Models.Specs;

namespace ClinicalNer.Models.Specs;

/// <summary>An entity found in raw text: character offsets [Start, End) into the text (a surrogate pair counts once, as Python indexes), its type and surface.</summary>
public sealed record PredictedEntity(int Start, int End, string Type, string Text, double Confidence);

/// <summary>
/// The predict API: load a checkpoint, give raw text of any length, get typed spans with offsets into
/// that text. Long texts are split into sentences (never inside an entity the model could see whole)
/// of at most <see cref="MaxLength"/> characters, predicted in batches, and mapped back.
/// </summary>
public sealed class NerPredictor : IDisposable
{
    private readonly INerModel model;

    /// <summary>Wraps a loaded model.</summary>
    public NerPredictor(INerModel model, int maxLength = 256)
    {
        this.model = model ?? throw new ArgumentNullException(nameof(model));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        MaxLength = maxLength;
        model.Network.eval();
    }

    /// <summary>Loads a checkpoint directory written by the trainer (any family) onto <paramref name="device"/> (null = the CPU).</summary>
    public static NerPredictor Load(string checkpoint, int maxLength = 256, TorchBinding.torch.Device? device = null) =>
        new(NerCheckpoint.Load(checkpoint, device), maxLength);

    /// <summary>The longest piece the model sees at once.</summary>
    public int MaxLength { get; }

    /// <summary>Entities of one text.</summary>
    public IReadOnlyList<PredictedEntity> Predict(string text) => Predict([text])[0];

    /// <summary>Entities of many texts, batched across all of them.</summary>
    public IReadOnlyList<IReadOnlyList<PredictedEntity>> Predict(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var docs = texts.Select((t, i) => Document.Create($"input-{i}", t ?? "", [], "input")).ToList();
        var pieces = docs.SelectMany((d, i) => SentenceSplitter.Split(d, MaxLength).Select(w => (Doc: i, Window: w))).ToList();
        using var _ = no_grad();
        var predictions = model.PredictWithConfidence(pieces.Select(p => p.Window.Piece).ToList(), 64);
        var result = docs.Select(_ => new List<PredictedEntity>()).ToList();
        for (int k = 0; k < pieces.Count; k++)
        {
            var (docIndex, window) = pieces[k];
            foreach (EntitySpan s in window.ToOriginal(predictions[k].Spans))
                result[docIndex].Add(new PredictedEntity(s.Start, s.End, s.Type, docs[docIndex].Surface(s), predictions[k].Confidence));
        }
        return result;
    }

    /// <inheritdoc/>
    public void Dispose() => model.Dispose();
}
