using ClinicalNer.Models.Crf;
using ClinicalNer.Models.FeatureCrf;
using ClinicalNer.Models.Tagging;
using ClinicalNer.Training;
using TorchBinding;
using static TorchBinding.torch;
using ClinicalNer.Models.Specs;

namespace ClinicalNer.Tests;

/// <summary>Each part alone (shapes, masks, gradients, against a hand computation), and taggers as compositions of parts.</summary>
public class PartsTests : TempDirTest
{
    private static Tensor Mask(long[] lengths, long width) =>
        tensor(lengths.SelectMany(n => Enumerable.Range(0, (int)width).Select(t => t < n)).ToArray(), [lengths.Length, width]);

    [Fact]
    public void Softmax_decoder_loss_is_the_mean_cross_entropy_of_the_real_positions_and_ignores_padding()
    {
        manual_seed(1);
        using var decoder = new SoftmaxDecoder(4);
        var emissions = randn(2, 3, 4).requires_grad_();
        var tags = tensor(new long[] { 1, 2, 3, 0, 99, -7 }, [2, 3]);   // padding holds anything
        var mask = Mask([3, 1], 3);
        var loss = decoder.Loss(emissions, tags, mask);
        float[] e = emissions.detach().data<float>();
        double manual = 0;
        foreach (var (b, t, y) in new[] { (0, 0, 1), (0, 1, 2), (0, 2, 3), (1, 0, 0) })
        {
            var row = Enumerable.Range(0, 4).Select(c => (double)e[(b * 3 + t) * 4 + c]).ToArray();
            manual += Math.Log(row.Sum(Math.Exp)) - row[y];
        }
        Assert.Equal(manual / 4, loss.item<float>(), 4);
        loss.backward();
        float[] grad = emissions.grad!.data<float>();
        Assert.All(Enumerable.Range(4 * 4, 8), k => Assert.Equal(0f, grad[k]));   // sequence 1, positions 1-2: padding
        Assert.Contains(grad.Take(12), g => g != 0);
    }

    [Fact]
    public void Softmax_decoder_decodes_argmax_per_real_position_with_the_product_of_maxima()
    {
        using var decoder = new SoftmaxDecoder(3);
        var emissions = tensor(new float[] { 0, 5, 0, 3, 0, 0, 9, 9, 9, 0, 0, 2, 0, 0, 0, 0, 0, 0 }, [2, 3, 3]);
        var d = decoder.Decode(emissions, Mask([2, 1], 3), [2, 1]);
        Assert.Equal([1, 0], d.Paths[0]);
        Assert.Equal([2], d.Paths[1]);
        double P(double[] row, int k) => Math.Exp(row[k]) / row.Sum(Math.Exp);
        Assert.Equal(P([0, 5, 0], 1) * P([3, 0, 0], 0), d.Confidence[0], 6);
        Assert.Equal(P([0, 0, 2], 2), d.Confidence[1], 6);
    }

    [Fact]
    public void The_crf_as_a_decoder_gives_its_best_paths_and_their_probability()
    {
        manual_seed(2);
        using var crf = new ConditionalRandomField(3);
        ITagDecoder decoder = crf;
        var emissions = randn(2, 4, 3);
        var mask = Mask([4, 2], 4);
        var withConfidence = decoder.Decode(emissions, mask, [4, 2]);
        var (best, probability) = crf.DecodeWithProbability(emissions, mask);
        Assert.Equal(best.Paths, withConfidence.Paths);
        Assert.Equal(probability, withConfidence.Confidence);
        Assert.All(decoder.Decode(emissions, mask, [4, 2], withConfidence: false).Confidence, c => Assert.True(double.IsNaN(c)));
    }

    [Theory]
    [InlineData(EncoderKind.BiLstm)]
    [InlineData(EncoderKind.BiGru)]
    public void A_recurrent_encoder_reads_each_sequence_over_its_length_only(EncoderKind kind)
    {
        manual_seed(3);
        using var encoder = new RecurrentEncoder(kind, 5, 6);
        Assert.Equal(12, encoder.OutputSize);
        var x = randn(2, 4, 5).requires_grad_();
        long[] lengths = [4, 2];
        var y = encoder.Encode(x, lengths, Mask(lengths, 4));
        Assert.Equal([2L, 4, 12], y.shape);
        // Other padding gives the same states at the real positions.
        using (no_grad())
        {
            var other = x.detach().clone();
            other.narrow(0, 1, 1).narrow(1, 2, 2).fill_(7);
            var y2 = encoder.Encode(other, lengths, Mask(lengths, 4));
            Assert.True(y.detach().narrow(0, 1, 1).narrow(1, 0, 2).allclose(y2.narrow(0, 1, 1).narrow(1, 0, 2), 1e-5, 1e-6));
        }
        y.narrow(0, 1, 1).narrow(1, 0, 2).sum().backward();
        float[] g = x.grad!.data<float>();
        Assert.All(Enumerable.Range(0, 20), k => Assert.Equal(0f, g[k]));                   // sequence 0 got no gradient
        Assert.Contains(g.Skip(20).Take(10), v => v != 0);                                  // sequence 1's real positions did
        Assert.Throws<ArgumentException>(() => new RecurrentEncoder(EncoderKind.None, 5, 6));
    }

    [Fact]
    public void Self_attention_ignores_padded_positions_and_a_stack_chains_its_encoders()
    {
        manual_seed(4);
        using var attention = new SelfAttentionEncoder(8, 2, 0);
        attention.eval();
        var x = randn(1, 5, 8);
        long[] lengths = [3];
        var y = attention.Encode(x, lengths, Mask(lengths, 5));
        var other = x.clone();
        other.narrow(1, 3, 2).fill_(-4);
        Assert.True(y.narrow(1, 0, 3).allclose(attention.Encode(other, lengths, Mask(lengths, 5)).narrow(1, 0, 3), 1e-5, 1e-6));

        using var rnn = new RecurrentEncoder(EncoderKind.BiGru, 8, 4);
        using var stack = new StackedEncoder([rnn, new SelfAttentionEncoder(8, 2, 0)]);
        stack.eval();
        Assert.Equal(8, stack.OutputSize);
        var z = stack.Encode(x, lengths, Mask(lengths, 5));
        var manual = ((ISequenceEncoder)stack.Encoders[1]).Encode(rnn.Encode(x, lengths, Mask(lengths, 5)), lengths, Mask(lengths, 5));
        Assert.True(z.allclose(manual));
        Assert.Equal(["0.rnn.weight_ih_l0", "1.query.weight"], stack.named_parameters().Select(p => p.name).Where(n => n is "0.rnn.weight_ih_l0" or "1.query.weight"));
    }

    [Fact]
    public void The_character_embedder_concatenates_its_lookups_in_order()
    {
        var docs = TinyCorpus.Documents;
        var inputs = TaggerInputs.Build(docs, minBigramCount: 1);
        var config = inputs.ModelConfig(c => c with { CharEmbeddingDim = 6, BigramEmbeddingDim = 3 });
        using var embedder = new CharacterEmbedder(config);
        var batch = inputs.Encode(docs, withTags: false);
        var x = embedder.Embed(batch);
        Assert.Equal(9, embedder.OutputSize);
        Assert.Equal([docs.Count, batch.Chars.size(1), 9L], x.shape);
        Assert.True(x.narrow(2, 0, 6).allclose(embedder.Characters.call(batch.Chars)));
        Assert.True(x.narrow(2, 6, 3).allclose(embedder.Bigrams!.call(batch.Bigrams!)));
        Assert.Equal(["char_embedding.weight", "bigram_embedding.weight"], embedder.named_parameters().Select(p => p.name));
    }

    [Fact]
    public void A_decoder_added_in_one_file_trains_inside_the_tagger_and_survives_a_reload()
    {
        PartRegistry.Register<DecoderSpec, LabelSmoothingSpec>("label-smoothing");
        var inputs = TaggerInputs.Build(TinyCorpus.Documents);
        var config = inputs.ModelConfig(c => c with { CharEmbeddingDim = 16, HiddenSize = 16, Dropout = 0, DecoderPart = new LabelSmoothingSpec(0.05) });
        using var model = new TaggerModel(new SequenceTagger(config), inputs);
        Assert.IsType<LabelSmoothingDecoder>(model.Tagger.Decoder);
        Assert.Equal("BiLSTM-SmoothedSoftmax", model.Kind);
        var result = new Trainer(new TrainerOptions(Epochs: 80, BatchSize: 5, LearningRate: 1e-2, Patience: 0)).Fit(model, TinyCorpus.Documents, TinyCorpus.Documents);
        Assert.Equal(1.0, result.BestDevF1);

        string folder = Path.Combine(Dir, "smoothed");
        model.Save(folder);
        Assert.Contains("\"type\": \"label-smoothing\"", File.ReadAllText(Path.Combine(folder, TaggerModel.ConfigFile)), StringComparison.Ordinal);
        using var loaded = NerCheckpoint.Load(folder);
        Assert.IsType<LabelSmoothingDecoder>(((TaggerModel)loaded).Tagger.Decoder);
        Assert.Equal(0.05, ((LabelSmoothingSpec)((TaggerModel)loaded).Tagger.Config.DecoderPart!).Smoothing);
        model.Network.eval();
        loaded.Network.eval();
        Assert.Equal(model.Predict(TinyCorpus.Documents), loaded.Predict(TinyCorpus.Documents));
    }

    [Fact]
    public void A_span_scorer_part_learns_nested_spans_on_top_of_an_encoder()
    {
        manual_seed(5);
        // "腹胀" (SIGNS) inside "腹胀两天" (a made-up nested DURATION span): a tag sequence cannot hold both, spans can.
        var docs = new[] { ("腹胀两天", new EntitySpan[] { new(0, 2, "SIGNS"), new(0, 4, "DURATION") }), ("头痛", [new(0, 2, "SIGNS")]) };
        var chars = docs.SelectMany(d => d.Item1).Distinct().ToList();
        using var embedding = nn.Embedding(chars.Count + 1, 8, padding_idx: 0);
        using var encoder = new RecurrentEncoder(EncoderKind.BiLstm, 8, 8);
        using var scorer = new DotProductSpanScorer(encoder.OutputSize, ["DURATION", "SIGNS"]);
        long width = docs.Max(d => d.Item1.Length);
        long[] lengths = docs.Select(d => (long)d.Item1.Length).ToArray();
        var ids = tensor(docs.SelectMany(d => Enumerable.Range(0, (int)width).Select(t => t < d.Item1.Length ? (long)chars.IndexOf(d.Item1[t]) + 1 : 0)).ToArray(), [docs.Length, width]);
        var mask = Mask(lengths, width);
        var gold = docs.Select(d => (IReadOnlyList<EntitySpan>)d.Item2).ToList();
        var parameters = embedding.parameters().Concat(encoder.parameters()).Concat(scorer.parameters()).ToList();
        using var optimizer = optim.Adam(parameters, 0.02);
        double first = 0, last = 0;
        for (int step = 0; step < 150; step++)
        {
            using var scope = NewDisposeScope();
            var loss = scorer.Loss(scorer.Scores(encoder.Encode(embedding.call(ids), lengths, mask), mask), mask, lengths, gold);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            last = loss.item<float>();
            if (step == 0) first = last;
        }
        Assert.True(last < first / 10, $"loss {first:F3} → {last:F3}");
        using (no_grad())
        {
            var predicted = scorer.Decode(scorer.Scores(encoder.Encode(embedding.call(ids), lengths, mask), mask), lengths);
            Assert.Equal(gold.Select(g => g.OrderBy(s => s.Start).ThenBy(s => s.End)), predicted.Select(p => p.OrderBy(s => s.Start).ThenBy(s => s.End)));
        }
    }

    [Fact]
    public void The_registry_opens_every_family_from_its_checkpoint_folder()
    {
        string crfDir = Path.Combine(Dir, "feature-crf");
        using (var crf = FeatureCrfModel.Build(TinyCorpus.Documents)) crf.Save(crfDir);
        using var loaded = NerCheckpoint.Load(crfDir);
        Assert.Equal("Feature-CRF", loaded.Kind);
        Assert.Equal("feature CRF", ModelRegistry.FamilyOf(crfDir).Name);
        Assert.Equal(["BiLSTM-CRF family", "BERT tagger", "feature CRF", "BERT span model"], ModelRegistry.Families.Select(f => f.Name));
        Assert.Contains("bigru-attention-crf", ModelRegistry.Families[0].Presets);
        Assert.Contains("kbert-crf", ModelRegistry.Families[1].Presets);
        Assert.Equal(["bert-mrc-biaffine", "bert-mrc-biaffine-joint", "bert-mrc-softmax", "bert-mrc-pointer", "bert-biaffine", "bert-pointer"],
            ModelRegistry.Families[3].Presets);
        Directory.CreateDirectory(Path.Combine(Dir, "empty"));
        var e = Assert.Throws<FileNotFoundException>(() => NerCheckpoint.Load(Path.Combine(Dir, "empty")));
        Assert.Contains("tagger.json (BiLSTM-CRF family), bert-tagger.json (BERT tagger), feature_crf.json (feature CRF), bert-span.json (BERT span model)", e.Message, StringComparison.Ordinal);
    }
}
