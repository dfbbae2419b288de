using TorchBinding;
using TorchBinding.Modules;
using static TorchBinding.torch;
using F = TorchBinding.torch.nn.functional;

namespace ClinicalNer.Models.Bert;

/// <summary>
/// A batch of pretraining instances as tensors. Masked positions are padded with position 0 and
/// label -100 (ignored by the loss).
/// </summary>
/// <param name="InputIds">(B, L) word-piece ids after masking.</param>
/// <param name="TokenTypeIds">(B, L) segment ids (0 for [CLS] A [SEP], 1 for B [SEP]).</param>
/// <param name="AttentionMask">(B, L) bool, true at real tokens.</param>
/// <param name="MaskedPositions">(B, P) positions whose original token the MLM head predicts.</param>
/// <param name="MaskedLabels">(B, P) the original ids there, -100 for padding.</param>
/// <param name="NextSentenceLabels">(B) 0 when B is A's true continuation, 1 when it is random (google-research/bert's convention).</param>
public sealed record PretrainingBatch(Tensor InputIds, Tensor TokenTypeIds, Tensor AttentionMask, Tensor MaskedPositions, Tensor MaskedLabels, Tensor NextSentenceLabels)
{
    /// <summary>Every tensor of the batch on <paramref name="device"/> (see <see cref="Devices.Move"/>).</summary>
    public PretrainingBatch To(Device device) => new(Devices.Move(InputIds, device), Devices.Move(TokenTypeIds, device), Devices.Move(AttentionMask, device),
        Devices.Move(MaskedPositions, device), Devices.Move(MaskedLabels, device), Devices.Move(NextSentenceLabels, device));
}

/// <summary>Loss and accuracies of one pretraining batch.</summary>
/// <param name="Loss">MLM cross-entropy + NSP cross-entropy (scalar tensor, for backward).</param>
/// <param name="MlmAccuracy">Fraction of masked tokens predicted exactly.</param>
/// <param name="NspAccuracy">Fraction of next-sentence labels predicted.</param>
/// <param name="MlmLoss">The MLM part of the loss.</param>
/// <param name="NspLoss">The NSP part of the loss.</param>
public sealed record PretrainingLoss(Tensor Loss, double MlmAccuracy, double NspAccuracy, double MlmLoss, double NspLoss);

/// <summary>
/// BERT with its two pretraining heads, named as Hugging Face's <c>BertForPreTraining</c>: the MLM head
/// (<c>cls.predictions.transform.dense</c> + GELU + <c>transform.LayerNorm</c>, decoded by the word
/// embeddings, tied, plus <c>cls.predictions.bias</c>) and the NSP head (<c>cls.seq_relationship</c> on the pooler).
/// </summary>
public sealed class BertForPreTraining : nn.Module
{
    private readonly BertModel bert;
    private readonly Linear transformDense, seqRelationship;
    private readonly LayerNorm transformNorm;
    private readonly MlmPredictions predictions;

    /// <summary>Builds a randomly initialised model.</summary>
    public BertForPreTraining(BertConfig config) : base(nameof(BertForPreTraining))
    {
        ArgumentNullException.ThrowIfNull(config);
        bert = new BertModel(config);
        transformDense = nn.Linear(config.HiddenSize, config.HiddenSize);
        transformNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        predictions = new MlmPredictions(new Named(("dense", transformDense), ("LayerNorm", transformNorm)), config.VocabSize);
        seqRelationship = nn.Linear(config.HiddenSize, 2);
        register_module("bert", bert);
        register_module("cls", new Named(("predictions", predictions), ("seq_relationship", seqRelationship)));
        BertModel.Initialize(predictions, config.InitializerRange);
        BertModel.Initialize(seqRelationship, config.InitializerRange);
    }

    /// <summary>The encoder (what fine-tuning starts from).</summary>
    public BertModel Bert => bert;

    /// <summary>MLM logits at the masked positions (B, P, vocab) and NSP logits (B, 2).</summary>
    public (Tensor Mlm, Tensor Nsp) forward(PretrainingBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Tensor sequence = bert.forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds);          // (B, L, H)
        long b = sequence.size(0), p = batch.MaskedPositions.size(1), h = sequence.size(2);
        // Only the masked positions go through the vocabulary projection (as google-research/bert gathers them):
        // P = 20 rows per sequence instead of L = 128.
        Tensor picked = sequence.gather(1, batch.MaskedPositions.unsqueeze(-1).expand(b, p, h));        // (B, P, H)
        Tensor transformed = transformNorm.call(F.gelu(transformDense.call(picked)));
        Tensor mlm = F.linear(transformed, bert.WordEmbeddings.weight, predictions.bias);                // (B, P, V)
        Tensor nsp = seqRelationship.call(bert.Pool(sequence));                                          // (B, 2)
        return (mlm, nsp);
    }

    /// <summary>The summed MLM and NSP losses with both accuracies.</summary>
    public PretrainingLoss Loss(PretrainingBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var (mlm, nsp) = forward(batch);
        Tensor labels = batch.MaskedLabels.reshape(-1);
        Tensor mlmLoss = F.cross_entropy(mlm.reshape(-1, mlm.size(-1)), labels, ignore_index: -100);
        Tensor nspLoss = F.cross_entropy(nsp, batch.NextSentenceLabels);
        Tensor total = mlmLoss + nspLoss;
        using var _ = no_grad();
        Tensor real = labels.ne(-100);
        double predicted = real.sum().item<long>();
        double mlmCorrect = mlm.argmax(-1).reshape(-1).eq(labels).logical_and(real).sum().item<long>();
        double nspCorrect = nsp.argmax(-1).eq(batch.NextSentenceLabels).sum().item<long>();
        return new PretrainingLoss(total, predicted == 0 ? 0 : mlmCorrect / predicted,
            nspCorrect / batch.NextSentenceLabels.size(0), mlmLoss.item<float>(), nspLoss.item<float>());
    }

    /// <summary>Holds the MLM output bias beside the transform, as <c>cls.predictions</c> does.</summary>
    private sealed class MlmPredictions : nn.Module
    {
        public MlmPredictions(nn.Module transform, int vocabSize) : base(nameof(MlmPredictions))
        {
            register_module("transform", transform);
            using Tensor b = zeros(vocabSize);
            bias = new nn.Parameter(b);
            register_parameter("bias", bias);
        }

        public nn.Parameter bias { get; }
    }
}
