using ClinicalNer.Data;
using ClinicalNer.Models.Parts;
using ClinicalNer.Models.Tagging;
using ClinicalNer.Training;
using TorchBinding.Modules;
using static TorchBinding.torch;
using ClinicalNer.Models.Specs;

namespace ClinicalNer.Tests;

/// <summary>Input parts of one's own: registered, prepared on the training text, embedded after the built-in inputs, reloaded from a checkpoint.</summary>
public class InputPartTests : TempDirTest
{
    [Theory]
    [InlineData("血", 1)]
    [InlineData("m", 2)]
    [InlineData("Ｌ", 2)]
    [InlineData("7", 3)]
    [InlineData("７", 3)]
    [InlineData("，", 4)]
    [InlineData("/", 4)]
    [InlineData("%", 4)]
    [InlineData(" ", 5)]
    [InlineData("\u3000", 5)]
    [InlineData("α", 2)]
    [InlineData("\U00020000", 1)]
    public void Character_classes_tell_han_from_letters_digits_punctuation_and_space(string character, long expected) =>
        Assert.Equal(expected, CharClassInputSpec.ClassOf(character));

    [Fact]
    public void A_registered_input_is_embedded_after_the_built_in_ones_and_its_table_is_a_parameter_of_the_embedder()
    {
        var docs = TinyCorpus.Documents;
        var inputs = TaggerInputs.Build(docs);
        var config = inputs.ModelConfig(c => c with { CharEmbeddingDim = 6, InputParts = [new CharClassInputSpec(3)] });
        using var embedder = new CharacterEmbedder(config);
        var batch = inputs.Encode(docs, withTags: false);
        var classes = new CharClassInputSpec(3).Encode(docs, (int)batch.Chars.size(1));
        var x = embedder.Embed(batch with { Inputs = [classes] });
        Assert.Equal(9, config.EmbeddingDim);
        Assert.Equal([docs.Count, batch.Chars.size(1), 9L], x.shape);
        Assert.True(x.narrow(2, 0, 6).allclose(embedder.Characters.call(batch.Chars)));
        var table = embedder.named_parameters().Single(p => p.name == "inputs.0.table.weight").parameter;
        Assert.True(x.narrow(2, 6, 3).allclose(nn.functional.embedding(classes, table)));
        Assert.Equal(CharClassInputSpec.ClassOf(docs[0].Chars[0]), classes[0, 0].item<long>());
        Assert.Equal(0L, classes[docs.Select((d, i) => (d, i)).MinBy(p => p.d.Length).i, batch.Chars.size(1) - 1].item<long>());   // padding
        var error = Assert.Throws<ArgumentException>(() => embedder.Embed(batch));
        Assert.Contains("input part", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_input_of_ones_own_learns_from_the_training_text_trains_and_survives_a_reload_with_what_it_learned()
    {
        PartRegistry.Register<InputSpec, FrequentCharactersSpec>("frequent-characters");
        var docs = TinyCorpus.Documents;
        var spec = ModelSpec.FromJson("""
            {"type": "tagger", "encoders": [{"type": "bilstm", "hidden": 16}], "decoder": {"type": "crf"}, "dropout": 0,
             "chars": {"dim": 16}, "inputs": [{"type": "frequent-characters", "top": 5}, {"type": "charClass"}]}
            """, "spec.json");
        using var model = (TaggerModel)ModelBuilder.Build(spec, docs, seed: 3);
        var prepared = Assert.IsType<FrequentCharactersSpec>(model.Tagger.Config.InputParts![0]);
        var expected = docs.SelectMany(d => d.Chars).GroupBy(c => c).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(5).Select(g => g.Key);
        Assert.Equal(expected, prepared.Frequent!);
        Assert.Equal(16 + 4 + 8, model.Tagger.Config.EmbeddingDim);

        var result = new Trainer(new TrainerOptions(Epochs: 60, BatchSize: 5, LearningRate: 1e-2, Patience: 0)).Fit(model, docs, docs);
        Assert.Equal(1.0, result.BestDevF1);
        string folder = Path.Combine(Dir, "own-input");
        model.Save(folder);
        Assert.Contains("\"type\": \"frequent-characters\"", File.ReadAllText(Path.Combine(folder, TaggerModel.ConfigFile)), StringComparison.Ordinal);

        using var loaded = (TaggerModel)NerCheckpoint.Load(folder);
        Assert.Equal(prepared.Frequent, ((FrequentCharactersSpec)loaded.Tagger.Config.InputParts![0]).Frequent);
        model.Network.eval();
        loaded.Network.eval();
        Assert.Equal(model.Predict(docs), loaded.Predict(docs));
        using var _ = no_grad();
        var batch = docs.Take(3).ToList();
        Assert.True(model.Tagger.Emissions(Batch(model, batch)).allclose(loaded.Tagger.Emissions(Batch(loaded, batch))));
    }

    private static TaggerBatch Batch(TaggerModel model, IReadOnlyList<Document> docs)
    {
        var batch = model.Inputs.Encode(docs, withTags: false);
        return batch with { Inputs = model.Tagger.Config.InputParts!.Select(p => p.Encode(docs, (int)batch.Chars.size(1))).ToList() };
    }

    /// <summary>A test's own input: whether each character is one of the <see cref="Top"/> most frequent of the training text.</summary>
    public sealed record FrequentCharactersSpec(int Top = 10, IReadOnlyList<string>? Frequent = null) : InputSpec
    {
        public override string DisplayName => "frequent characters";

        public override long OutputSize() => 4;

        public override InputSpec Prepare(IReadOnlyList<Document> train) => this with
        {
            Frequent = train.SelectMany(d => d.Chars).GroupBy(c => c).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Take(Top).Select(g => g.Key).ToList(),
        };

        public override Tensor Encode(IReadOnlyList<Document> documents, int width)
        {
            var frequent = (Frequent ?? throw new InvalidOperationException("not prepared")).ToHashSet();
            var ids = new long[documents.Count * width];
            for (int b = 0; b < documents.Count; b++)
                for (int i = 0; i < documents[b].Length; i++) ids[b * width + i] = frequent.Contains(documents[b].Chars[i]) ? 1 : 2;
            return tensor(ids, [documents.Count, width]);
        }

        public override nn.Module Build() => new LookupInput(nn.Embedding(3, 4, padding_idx: 0));
    }
}
