using ClinicalNer.Models.Tagging;
using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Tests;

/// <summary>
/// SequenceTagger's folded input projection (inference only): the same emissions and paths as the
/// plain path, also after the weights change under it (the cache must notice).
/// </summary>
public class FoldedDecodingTests
{
    [Fact]
    public void Folded_decoding_matches_the_plain_path_before_and_after_training_steps()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        string[] labels = ["O", "B-X", "I-X", "B-Y", "I-Y"];
        var config = new SequenceTaggerConfig(30, labels, CharEmbeddingDim: 8, BigramVocabularySize: 40, BigramEmbeddingDim: 4,
            DictionaryLabelCount: 3, DictionaryEmbeddingDim: 3, HiddenSize: 6, Layers: 2, Dropout: 0.3);
        using var model = new SequenceTagger(config);
        long[] lengths = [9, 4, 1, 7];
        var mask = arange(9).unsqueeze(0) < tensor(lengths).unsqueeze(1);
        var batch = new TaggerBatch(randint(1, 30, [4, 9]) * mask, mask, lengths, Dictionary: randint(0, 4, [4, 9]) * mask,
            Tags: where(mask, randint(0, labels.Length, [4, 9]), full([4, 9], -100, ScalarType.Int64)), Bigrams: randint(1, 40, [4, 9]) * mask);
        var parameters = model.parameters().ToList();
        using var optimizer = optim.Adam(parameters, lr: 0.05);

        for (int round = 0; round < 3; round++)
        {
            model.eval();
            AssertSameAsPlain(model, batch, mask, round);
            model.train();
            optimizer.zero_grad();
            model.Loss(batch).backward();
            optimizer.step();                  // weights change in place: folded tables from before are stale now
        }
    }

    private static void AssertSameAsPlain(SequenceTagger model, TaggerBatch batch, Tensor mask, int round)
    {
        using var _ = no_grad();
        try
        {
            model.FoldInputProjection = false;
            var plain = model.Emissions(batch);
            var plainPaths = model.Decode(batch).Paths;
            model.FoldInputProjection = true;
            var folded = model.Emissions(batch);
            var foldedPaths = model.Decode(batch).Paths;
            var real = mask.unsqueeze(2).expand_as(plain);
            Assert.True(folded.masked_select(real).allclose(plain.masked_select(real), 1e-4, 1e-5),
                $"round {round}: folded emissions differ by up to {(folded - plain).masked_select(real).abs().max().item<float>()}");
            Assert.Equal(plainPaths.Select(p => string.Join(",", p)), foldedPaths.Select(p => string.Join(",", p)));
        }
        finally { model.FoldInputProjection = true; }
    }
}
