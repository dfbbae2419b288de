using ClinicalNer.Models.Tagging;
using ClinicalNer.Models.Bert;
using ClinicalNer.Training;
using ClinicalNer.Data;
using ClinicalNer.Models.Specs;

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
    public void Adversarial_training_perturbs_the_word_piece_table_and_a_bert_tagger_still_fits_a_tiny_set()
    {
        using var model = BertTaggerModel.Create(Tiny, Tokenizer, TinyBert, head: BertHead.Crf, customize: c => c with { Dropout = 0 });
        var table = Assert.Single(model.InputEmbeddings);
        var named = model.Network.named_parameters().Single(p => p.name == "bert.embeddings.word_embeddings.weight").parameter;
        Assert.Equal(named.data_ptr(), table.data_ptr());
        var result = new Trainer(new TrainerOptions(Epochs: 60, BatchSize: 5, LearningRate: 2e-3, Patience: 0, HeadLearningRate: 5e-3, Adversarial: 0.5)).Fit(model, Tiny, Tiny);
        Assert.Equal(1.0, result.BestDevF1);
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

    // A graph over the tiny set's entities: its objects are the types, as Medical.spo's are.
    private static readonly Data.Triple[] Graph = [new("头", "类别", "部位"), new("咳嗽", "类别", "症状"), new("贫血", "类别", "疾病"), new("血常规", "类别", "检查")];

    private static readonly WordPieceTokenizer KnowledgeTokenizer = new(Enumerable.Range(0, Tokenizer.VocabularySize).Select(i => Tokenizer[i]).Concat(["部", "位", "症", "状", "疾", "病"]).Distinct());

    [Fact]
    public void A_tiny_k_bert_tagger_overfits_the_tiny_set_and_its_checkpoint_keeps_the_graph()
    {
        string output = Path.Combine(Dir, "kbert");
        using var model = BertTaggerModel.Create(Tiny, KnowledgeTokenizer, TinyBert with { MaxPositions = 32 }, head: BertHead.Crf, customize: c => c with { Dropout = 0 },
            knowledge: Graph);
        Assert.Equal("K-BERT-CRF", model.Kind);
        var injected = model.Injections(Tiny[4]).Single().Sequence;   // 查血常规示贫血: branches after 血常规 and 贫血
        Assert.Equal(["血常规 检查", "贫血 疾病"], injected.Branches.Select(b => $"{b.Entity} {b.Injected}"));
        var result = new Trainer(new TrainerOptions(Epochs: 60, BatchSize: 5, LearningRate: 2e-3, Patience: 0, HeadLearningRate: 5e-3, OutputDir: output)).Fit(model, Tiny, Tiny);
        Assert.Equal(1.0, result.BestDevF1);

        string best = Path.Combine(output, Trainer.BestDir);
        Assert.Equal(Graph.Select(t => $"{t.Head}\t{t.Relation}\t{t.Tail}"), File.ReadAllLines(Path.Combine(best, BertTaggerModel.KnowledgeFile)));
        using var reloaded = NerCheckpoint.Load(best);
        model.Network.eval();
        reloaded.Network.eval();
        Assert.Equal(model.PredictWithConfidence(Tiny, 5).Select(p => p.Spans), reloaded.PredictWithConfidence(Tiny, 2).Select(p => p.Spans));
        Assert.Equal(1.0, Trainer.Evaluate(reloaded, Tiny).Micro.F1);

        File.Delete(Path.Combine(best, BertTaggerModel.KnowledgeFile));
        var missing = Assert.Throws<FileNotFoundException>(() => NerCheckpoint.Load(best));
        Assert.Contains(BertTaggerModel.KnowledgeFile, missing.Message);
    }

    [Fact]
    public void Without_injection_k_bert_is_the_plain_tagger_and_injected_tokens_never_reach_the_loss()
    {
        // Same weights, -KG: the injected path gives the plain path's loss exactly.
        using var plain = BertTaggerModel.Create(Tiny, KnowledgeTokenizer, TinyBert, head: BertHead.Crf, customize: c => c with { Dropout = 0 }, seed: 5);
        using var noKg = BertTaggerModel.Create(Tiny, KnowledgeTokenizer, TinyBert, head: BertHead.Crf, customize: c => c with { Dropout = 0 }, seed: 5,
            knowledge: Graph, injection: new KnowledgeInjectionOptions(Inject: false));
        plain.Network.eval();
        noKg.Network.eval();
        Assert.Equal(plain.Loss(Tiny).item<float>(), noKg.Loss(Tiny).item<float>(), 4);

        // With injection the loss still runs over the sentence's pieces only: a label on each character, none on the branches,
        // so the loss is that of a CRF over exactly the sentence's length (the CRF would fail on a length mismatch).
        using var kbert = BertTaggerModel.Create(Tiny, KnowledgeTokenizer, TinyBert, head: BertHead.Crf, customize: c => c with { Dropout = 0 }, seed: 5, knowledge: Graph);
        kbert.Network.eval();
        float injectedLoss = kbert.Loss(Tiny).item<float>();
        Assert.True(float.IsFinite(injectedLoss));
        Assert.NotEqual(plain.Loss(Tiny).item<float>(), injectedLoss);   // the branches change the sentence's states
        Assert.All(kbert.Predict(Tiny).SelectMany(p => p), e => Assert.InRange(e.End, 1, 7));
    }
}
