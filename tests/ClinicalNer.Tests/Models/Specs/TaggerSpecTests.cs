using ClinicalNer.Models.LanguageModel;
using ClinicalNer.Models.Specs;
using ClinicalNer.Models.Tagging;
using static TorchBinding.torch;

namespace ClinicalNer.Tests;

/// <summary>What the tagger spec's fields do to the model the builder makes.</summary>
public class TaggerSpecTests : TempDirTest
{
    private static readonly TaggerSpec Small = new([new BiLstmSpec(8)], new CrfSpec(), Chars: new CharInputSpec(8));

    [Fact]
    public void Inputs_and_wrappers_follow_the_spec()
    {
        var docs = TinyCorpus.Documents;
        using (var frozen = (TaggerModel)ModelBuilder.Build(Small with { Chars = new CharInputSpec(8, Learn: false) }, docs))
            Assert.False(frozen.Tagger.CharEmbedding.weight.requires_grad);
        using (var learned = (TaggerModel)ModelBuilder.Build(Small, docs))
            Assert.True(learned.Tagger.CharEmbedding.weight.requires_grad);

        string lexicon = Write("lex.txt", "头痛\n三天\n");
        using (var gold = (TaggerModel)ModelBuilder.Build(Small with { Words = new WordInputSpec([lexicon], 4) }, docs))
            Assert.True(gold.Inputs.GoldSegmentationInTraining);
        using (var plain = (TaggerModel)ModelBuilder.Build(Small with { Words = new WordInputSpec([lexicon], 4, GoldSegmentation: false) }, docs))
        {
            Assert.False(plain.Inputs.GoldSegmentationInTraining);
            Assert.NotNull(plain.Tagger.WordEmbedding);
        }

        using var checkedModel = ModelBuilder.Build(Small with { ConsistencyCheck = true }, docs);
        Assert.IsType<ConsistencyCheckedModel>(checkedModel);
        Assert.Equal("BiLSTM-CRF + consistency check", checkedModel.Kind);
        Assert.Equal(checkedModel.Kind, (Small with { ConsistencyCheck = true }).DisplayName);
        Assert.NotNull(checkedModel.SpecJson);
    }

    [Fact]
    public void Models_that_fuse_one_provider_folder_share_its_features()
    {
        var docs = TinyCorpus.Documents;
        var characters = BidirectionalLanguageModel.VocabularyOf(docs.Select(d => d.Text));
        var sizes = new CharLanguageModelConfig(characters.Count + 3, EmbeddingDim: 8, HiddenSize: 6, Dropout: 0);
        manual_seed(4);
        string folder = Path.Combine(Dir, "bilm");
        using (var bilm = new BidirectionalLanguageModel(characters, new CharLanguageModel(sizes), new CharLanguageModel(sizes with { Backward = true })))
            bilm.Save(folder);
        var spec = Small with { Features = [new FeatureInputSpec("bilm", folder)] };
        using var a = (TaggerModel)ModelBuilder.Build(spec, docs, seed: 1);
        using var b = (TaggerModel)ModelBuilder.Build(spec, docs, seed: 2);
        Assert.Same(a.Features[0], b.Features[0]);
        a.Network.eval();
        a.Predict(docs);
        int held = a.Features[0].Count;
        Assert.Equal(docs.Count, held);
        b.Network.eval();
        b.Predict(docs);
        Assert.Equal(held, b.Features[0].Count);   // computed once for both
    }
}
