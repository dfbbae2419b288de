using ClinicalNer.Models.Tagging;
using ClinicalNer.Models.Bert;
using ClinicalNer.Training;

namespace ClinicalNer.Tests;

public class BertTaggerTests : TempDirTest
{
    private static readonly List<Document> Tiny = TinyCorpus.Documents;

    private static readonly WordPieceTokenizer Tokenizer = new(
        new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "，", "。" }.Concat(Tiny.SelectMany(d => d.Chars).Distinct()));

    private static readonly BertConfig TinyBert = BertConfig.Tiny with { HiddenSize = 32, Heads = 2, IntermediateSize = 64, MaxPositions = 24, HiddenDropout = 0, AttentionDropout = 0 };

    [Theory]
    [InlineData(BertHead.Softmax)]
    [InlineData(BertHead.Crf)]
    [InlineData(BertHead.BiLstmCrf)]
    public void A_tiny_bert_overfits_a_tiny_set(BertHead head)
    {
        using var model = BertTaggerModel.Create(Tiny, Tokenizer, TinyBert, head: head, customize: c => c with { LstmHidden = 16, Dropout = 0 });
        var result = new Trainer(new TrainerOptions(Epochs: 60, BatchSize: 5, LearningRate: 2e-3, Patience: 0, HeadLearningRate: 5e-3)).Fit(model, Tiny, Tiny);
        Assert.Equal(1.0, result.BestDevF1);
        Assert.Equal(1.0, Trainer.Evaluate(model, Tiny).Micro.F1);
    }

    [Fact]
    public void RecAdam_fine_tunes_a_bert_tagger_pulling_its_encoder_and_refuses_a_model_without_pretrained_parts()
    {
        // A strong pull for the whole run (λ ≈ 0): the encoder stays near its start, the head learns the set anyway.
        using var pulled = BertTaggerModel.Create(Tiny, Tokenizer, TinyBert, head: BertHead.Crf, customize: c => c with { Dropout = 0 }, seed: 3);
        using var free = BertTaggerModel.Create(Tiny, Tokenizer, TinyBert, head: BertHead.Crf, customize: c => c with { Dropout = 0 }, seed: 3);
        var start = pulled.Tagger.Bert.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        TrainerOptions Options(OptimizerKind kind) => new(Epochs: 30, BatchSize: 5, LearningRate: 2e-3, Patience: 0, HeadLearningRate: 5e-3,
            Optimizer: kind, Recall: new RecAdamOptions(K: 0.01, T0: 1e6, Coefficient: 200));
        new Trainer(Options(OptimizerKind.RecAdam)).Fit(pulled, Tiny, Tiny);
        new Trainer(Options(OptimizerKind.AdamW)).Fit(free, Tiny, Tiny);
        double Moved(BertTaggerModel m) => Math.Sqrt(m.Tagger.Bert.state_dict().Where(kv => start.ContainsKey(kv.Key) && kv.Value.is_floating_point())
            .Sum(kv => { var d = kv.Value.sub(start[kv.Key]); return (double)d.mul(d).sum().item<float>(); }));
        Assert.True(Moved(pulled) < 0.2 * Moved(free), $"encoder moved {Moved(pulled):F3} under RecAdam vs {Moved(free):F3} under AdamW");
        Assert.True(Trainer.Evaluate(pulled, Tiny).Micro.F1 > 0.5);

        var inputs = TaggerInputs.Build(Tiny);
        using var scratch = TaggerModel.Create(inputs, inputs.ModelConfig(c => c with { CharEmbeddingDim = 8, HiddenSize = 8 }));
        var error = Assert.Throws<ArgumentException>(() => new Trainer(new TrainerOptions(Epochs: 1, Optimizer: OptimizerKind.RecAdam)).Fit(scratch, Tiny, Tiny));
        Assert.Contains("has none; use AdamW", error.Message);
    }

    [Fact]
    public void A_checkpoint_reloads_and_predicts_long_text_with_original_offsets()
    {
        string output = Path.Combine(Dir, "run");
        using var model = BertTaggerModel.Create(Tiny, Tokenizer, TinyBert, head: BertHead.Crf, customize: c => c with { Dropout = 0 });
        var result = new Trainer(new TrainerOptions(Epochs: 60, BatchSize: 5, LearningRate: 2e-3, Patience: 0, OutputDir: output, HeadLearningRate: 5e-3)).Fit(model, Tiny, Tiny);
        model.Network.eval();
        using var predictor = NerPredictor.Load(result.BestCheckpoint!);
        // 7 sentences, 38 characters: longer than the 22-piece window, so it is cut and mapped back.
        string text = string.Concat(Enumerable.Repeat("头痛三天。腹胀两天。", 3)) + "查血常规示贫血。";
        var entities = predictor.Predict(text);
        Assert.Contains(entities, e => e.Start == 31 && e.End == 34 && e.Type == "CHECK");
        Assert.Contains(entities, e => e.Start == 20 && e.End == 21 && e.Type == "BODY");
        Assert.All(entities, e => Assert.Equal(text[e.Start..e.End], e.Text));
        Assert.All(entities, e => Assert.InRange(e.Confidence, 0, 1));
        var again = model.PredictWithConfidence(Tiny, 2);
        using var reloaded = NerCheckpoint.Load(Path.Combine(output, Trainer.BestDir));   // the model ends holding the best epoch's weights
        reloaded.Network.eval();
        var b = reloaded.PredictWithConfidence(Tiny, 5);
        Assert.Equal(again.Select(x => x.Spans), b.Select(x => x.Spans));
        Assert.Equal(again.Select(x => x.Confidence), b.Select(x => x.Confidence), (x, y) => Math.Abs(x - y) < 1e-5);
    }

    [Fact]
    public void Pretrained_encoder_weights_load_into_the_tagger_and_a_wrong_vocabulary_is_refused()
    {
        using var pretraining = new BertForPreTraining(TinyBert with { VocabSize = Tokenizer.VocabularySize });
        string path = Path.Combine(Dir, "pre.safetensors");
        TorchBinding.torch.safetensors.save(pretraining.state_dict(), path);
        using var model = BertTaggerModel.Create(Tiny, Tokenizer, TinyBert, pretrained: path);
        Assert.True(model.Tagger.Bert.WordEmbeddings.weight.allclose(pretraining.Bert.WordEmbeddings.weight));
        var bigger = new WordPieceTokenizer(Enumerable.Range(0, Tokenizer.VocabularySize + 3).Select(i => i < Tokenizer.VocabularySize ? Tokenizer[i] : $"x{i}"));
        var e = Assert.Throws<InvalidDataException>(() => BertTaggerModel.Create(Tiny, bigger, TinyBert, pretrained: path));
        Assert.Contains("word_embeddings", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parameter_groups_give_the_head_its_rate_and_exempt_biases_norms_and_transitions_from_decay()
    {
        using var model = BertTaggerModel.Create(Tiny, Tokenizer, TinyBert, head: BertHead.BiLstmCrf, customize: null);
        var groups = model.ParameterGroups(1e-4, 0.01, headLearningRate: 5e-3).ToList();
        using var optimizer = new TorchBinding.Modules.AdamW(groups, 1e-4, weight_decay: 0.01);   // resolves each group's settings
        Assert.Equal([(1e-4, 0.01), (1e-4, 0.0), (5e-3, 0.01), (5e-3, 0.0)], optimizer.ParamGroups.Select(g => (g.LearningRate, g.WeightDecay)));
        var named = model.Tagger.named_parameters().ToDictionary(p => p.parameter, p => p.name);
        Assert.Equal(named.Count, groups.Sum(g => g.Parameters.Count));
        Assert.Contains("bert.embeddings.LayerNorm.weight", groups[1].Parameters.Select(p => named[p]));
        Assert.Contains("bert.encoder.layer.0.attention.self.query.weight", groups[0].Parameters.Select(p => named[p]));
        Assert.Contains("crf.transitions", groups[3].Parameters.Select(p => named[p]).Select(n => n.ToLowerInvariant()));
        Assert.Contains("classifier.weight", groups[2].Parameters.Select(p => named[p]));
        Assert.All(groups[3].Parameters.Select(p => named[p]), n => Assert.True(WeightDecayGroups.IsExempt(n), n));
    }
}
