using TorchBinding;

namespace ClinicalNer.Models.Tagging;

/// <summary>
/// A padded batch as the tagger consumes it. All tensors are (B, L) and left-aligned.
/// </summary>
/// <param name="Chars">Character ids, int64, 0 at padding.</param>
/// <param name="Mask">True at real positions.</param>
/// <param name="Lengths">Real lengths (B).</param>
/// <param name="Words">Word ids of the segment covering each character (or null without word embeddings).</param>
/// <param name="Dictionary">Dictionary feature ids (or null without dictionary features).</param>
/// <param name="Tags">Gold tag ids, -100 at padding (or null when predicting).</param>
/// <param name="Bigrams">Ids of the bigram starting at each character (or null without bigram embeddings).</param>
/// <param name="Features">Features of frozen models per character, (B, L, D) float (or null without them): see <see cref="Parts.ICharacterFeatures"/>.</param>
/// <param name="LexiconWords">
/// SoftLexicon word ids of each character's four sets, (B, L, 4, K) int64, 0 where a set has fewer than K words (or null
/// without them): see <see cref="Text.Lexicon.SoftLexicon"/>.
/// </param>
/// <param name="LexiconWeights">The weights of <paramref name="LexiconWords"/>, (B, L, 4, K) float, 0 at padding.</param>
/// <param name="Inputs">What the config's own input parts encoded (<see cref="Parts.InputSpec.Encode"/>), one tensor per part in
/// order (or null without them).</param>
public sealed record TaggerBatch(torch.Tensor Chars, torch.Tensor Mask, long[] Lengths, torch.Tensor? Words = null, torch.Tensor? Dictionary = null,
    torch.Tensor? Tags = null, torch.Tensor? Bigrams = null, torch.Tensor? Features = null, torch.Tensor? LexiconWords = null,
    torch.Tensor? LexiconWeights = null, IReadOnlyList<torch.Tensor>? Inputs = null)
{
    /// <summary>Every tensor of the batch on <paramref name="device"/> (see <see cref="Devices.Move"/>).</summary>
    public TaggerBatch To(torch.Device device) => new(Devices.Move(Chars, device), Devices.Move(Mask, device), Lengths,
        Devices.MoveOptional(Words, device), Devices.MoveOptional(Dictionary, device), Devices.MoveOptional(Tags, device),
        Devices.MoveOptional(Bigrams, device), Devices.MoveOptional(Features, device), Devices.MoveOptional(LexiconWords, device),
        Devices.MoveOptional(LexiconWeights, device), Inputs?.Select(t => Devices.Move(t, device)).ToList());
}
