using ClinicalNer.Models.Bert;
using TorchBinding.Tests;
using static TorchBinding.torch;
using ClinicalNer.Data;

namespace ClinicalNer.Tests;

/// <summary>The BERT encoder against PyTorch (python3-torch) and Hugging Face-layout files it writes.</summary>
public class BertTests : TempDirTest
{
    private static readonly BertConfig Config = BertConfig.Tiny with { VocabSize = 30, HiddenSize = 16, Heads = 4, IntermediateSize = 24, MaxPositions = 12, HiddenDropout = 0, AttentionDropout = 0 };

    // Heads of 4 take the composed attention; heads of 32 the fused one (AttentionKernels.SelfAttention, on CPU).
    [Theory]
    [InlineData(16, 4, 24)]
    [InlineData(64, 2, 96)]
    public void Encoder_layer_equals_pytorch_transformer_encoder_layer_forward_and_backward(int hidden, int heads, int inner)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var config = Config with { HiddenSize = hidden, Heads = heads, IntermediateSize = inner };
        using var layer = new BertLayer(config);
        foreach (var p in layer.parameters()) using (no_grad()) p.normal_(0, 0.3);   // not the initial ones/zeros
        layer.eval();
        const int B = 2, L = 6;
        var x = randn(B, L, config.HiddenSize).requires_grad_();
        // A K-BERT-style visible matrix (each token sees itself) and a padded last position in sequence 2.
        var visible = (rand(B, L, L) > 0.3) | eye(L).@bool().unsqueeze(0);
        var padding = ones(B, L).@bool();
        padding[1, L - 1] = tensor(new[] { false }).squeeze(0);
        var mask = BertModel.AdditiveMask(padding, visible, ScalarType.Float32, B, L)!;   // (B, 1, L, L)
        var cotangent = randn(B, L, config.HiddenSize);
        var output = layer.forward(x, mask);
        (output * cotangent).sum().backward();

        var inputs = new Dictionary<string, Tensor> { ["x"] = x.detach(), ["mask"] = mask.squeeze(1), ["heads"] = tensor((long)config.Heads), ["cotangent"] = cotangent };
        foreach (var (name, p) in layer.named_parameters()) inputs[name] = p.detach();
        var named = layer.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var ours = new Dictionary<string, Tensor>
        {
            ["out"] = output, ["grad.x"] = x.grad!, ["grad.query.weight"] = named["attention.self.query.weight"].grad!,
            ["grad.intermediate.dense.weight"] = named["intermediate.dense.weight"].grad!, ["grad.output.LayerNorm.weight"] = named["output.LayerNorm.weight"].grad!,
        };
        PyTorchOracle.AssertAllClose(PyTorchOracle.Run("bert_layer", inputs), ours, rtol: 1e-4, atol: 1e-5);
    }

    private static Dictionary<string, Tensor> WriteHuggingFaceFile(string path, Tensor ids, Tensor types, Tensor mask, Tensor? positions = null, Tensor? visible = null)
    {
        var inputs = new Dictionary<string, Tensor>
        {
            ["config.vocab"] = tensor((long)Config.VocabSize), ["config.hidden"] = tensor((long)Config.HiddenSize), ["config.layers"] = tensor((long)Config.Layers),
            ["config.heads"] = tensor((long)Config.Heads), ["config.inner"] = tensor((long)Config.IntermediateSize), ["config.positions"] = tensor((long)Config.MaxPositions),
            ["config.types"] = tensor((long)Config.TypeVocabSize), ["seed"] = tensor(7L),
            ["path"] = tensor(System.Text.Encoding.UTF8.GetBytes(path)), ["input_ids"] = ids, ["token_type_ids"] = types, ["attention_mask"] = mask,
        };
        if (positions is not null) inputs["position_ids"] = positions;
        if (visible is not null) inputs["visible"] = visible.to_type(ScalarType.Int64);
        return PyTorchOracle.Run("bert_hf", inputs);
    }

    [Fact]
    public void With_injected_knowledge_the_encoder_equals_pytorch_given_soft_positions_and_the_visible_matrix()
    {
        using var scope = NewDisposeScope();
        // Two injected sentences from the injector itself: 患者头痛 with a branch after 头痛, and a padded plain one.
        var tokenizer = new WordPieceTokenizer(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "患", "者", "头", "痛", "症", "状", "发", "热"]);
        var injector = new KnowledgeInjector(new Text.Lexicon.KnowledgeGraphMatcher([new Data.Triple("头痛", "类别", "症状")]), tokenizer);
        var sequences = new[] { "患者头痛", "发热" }.Select(text =>
        {
            var doc = Document.Create("s", text, [], "t");
            return injector.Inject(doc.Chars, tokenizer.Tokenize(text).Select(t => (t.Id, t.Start, t.End)).ToList(), Config.MaxPositions);
        }).ToList();
        Assert.Single(sequences[0].Branches);
        int width = sequences.Max(s => s.Ids.Length);
        var idValues = new long[2 * width];
        var positionValues = new long[2 * width];
        var visibleValues = new bool[2 * width * width];
        for (int r = 0; r < 2; r++)
        {
            var s = sequences[r];
            for (int k = 0; k < s.Ids.Length; k++)
            {
                idValues[r * width + k] = s.Ids[k];
                positionValues[r * width + k] = s.Positions[k];
                for (int j = 0; j < s.Ids.Length; j++) visibleValues[(r * width + k) * width + j] = s.Visible![k, j];
            }
        }
        var ids = tensor(idValues).view(2, width);
        var positions = tensor(positionValues).view(2, width);
        var visible = tensor(visibleValues).view(2, width, width);
        var mask = ids.ne(0).to_type(ScalarType.Int64);
        var types = zeros_like(ids);
        string path = Path.Combine(Dir, "model.safetensors");
        var reference = WriteHuggingFaceFile(path, ids, types, mask, positions, visible);

        using var model = new BertModel(Config);
        BertCheckpoint.LoadEncoder(model, path);
        model.eval();
        using var _ = no_grad();
        var sequence = model.forward(ids, mask, types, positions, visible);
        PyTorchOracle.AssertAllClose(reference, new Dictionary<string, Tensor> { ["sequence"] = sequence, ["pooled"] = model.Pool(sequence) }, rtol: 1e-4, atol: 1e-5);
        // Without the visible matrix the sentence tokens would read the branch: the outputs differ, so the test has teeth.
        Assert.False(model.forward(ids, mask, types, positions).allclose(sequence, rtol: 1e-3, atol: 1e-4));
    }

    [Fact]
    public void Hugging_face_layout_file_written_by_pytorch_loads_and_reproduces_its_outputs()
    {
        using var scope = NewDisposeScope();
        var ids = tensor(new long[] { 2, 7, 8, 9, 3, 11, 12, 3, 2, 5, 6, 3, 0, 0, 0, 0 }).view(2, 8);
        var types = tensor(new long[] { 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0 }).view(2, 8);
        var mask = ids.ne(0).to_type(ScalarType.Int64);
        string path = Path.Combine(Dir, "model.safetensors");
        var reference = WriteHuggingFaceFile(path, ids, types, mask);

        using var model = new BertModel(Config);
        BertCheckpoint.LoadEncoder(model, path);
        model.eval();
        using var _ = no_grad();
        var sequence = model.forward(ids, mask, types);
        var ours = new Dictionary<string, Tensor> { ["sequence"] = sequence, ["pooled"] = model.Pool(sequence) };
        PyTorchOracle.AssertAllClose(reference, ours, rtol: 1e-4, atol: 1e-5);

        // The whole pretraining model (heads included, decoder tied) loads strictly from the same file.
        using var pretraining = new BertForPreTraining(Config);
        BertCheckpoint.LoadPretraining(pretraining, path);
        Assert.True(pretraining.Bert.WordEmbeddings.weight.allclose(model.WordEmbeddings.weight));
    }

    [Fact]
    public void A_file_with_a_missing_key_or_a_wrong_shape_fails_naming_it()
    {
        using var scope = NewDisposeScope();
        var ids = tensor(new long[] { 2, 7, 3 }).view(1, 3);
        string path = Path.Combine(Dir, "model.safetensors");
        WriteHuggingFaceFile(path, ids, zeros_like(ids), ones_like(ids));
        var weights = safetensors.load(path);

        weights.Remove("bert.encoder.layer.1.output.dense.bias");
        string missing = Path.Combine(Dir, "missing.safetensors");
        safetensors.save(weights, missing);
        using var model = new BertModel(Config);
        var e = Assert.Throws<InvalidDataException>(() => BertCheckpoint.LoadEncoder(model, missing));
        Assert.Contains("encoder.layer.1.output.dense.bias", e.Message, StringComparison.Ordinal);
        Assert.Contains(missing, e.Message, StringComparison.Ordinal);

        weights = safetensors.load(path);
        weights["bert.embeddings.position_embeddings.weight"] = zeros(64, Config.HiddenSize);
        string wrong = Path.Combine(Dir, "wrong.safetensors");
        safetensors.save(weights, wrong);
        e = Assert.Throws<InvalidDataException>(() => BertCheckpoint.LoadEncoder(model, wrong));
        Assert.Contains("embeddings.position_embeddings.weight", e.Message, StringComparison.Ordinal);
        Assert.Contains("[64, 16]", e.Message, StringComparison.Ordinal);

        Assert.Throws<FileNotFoundException>(() => BertCheckpoint.LoadEncoder(model, Path.Combine(Dir, "absent.safetensors")));
        Assert.Throws<FileNotFoundException>(() => BertCheckpoint.LoadEncoder(model, Path.Combine(Dir, "pytorch_model.bin")));   // read when there (PickledBertCheckpointTests)
        File.WriteAllText(Path.Combine(Dir, "not-a-pickle.bin"), "text");
        Assert.Contains("not a torch.save file", Assert.Throws<InvalidDataException>(() => BertCheckpoint.LoadEncoder(model, Path.Combine(Dir, "not-a-pickle.bin"))).Message,
            StringComparison.Ordinal);
        // A TensorFlow checkpoint folder says how to convert it.
        string tf = Path.Combine(Dir, "tf-bert");
        Directory.CreateDirectory(tf);
        File.WriteAllText(Path.Combine(tf, "bert_model.ckpt.index"), "");
        Assert.Contains("TensorFlow checkpoint", Assert.Throws<InvalidDataException>(() => BertCheckpoint.LoadEncoder(model, tf)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Config_reads_hugging_face_json_and_rejects_bad_sizes()
    {
        var c = BertConfig.FromJson("""{"architectures":["BertForMaskedLM"],"hidden_size":768,"num_attention_heads":12,"num_hidden_layers":12,"vocab_size":21128,"intermediate_size":3072,"max_position_embeddings":512,"type_vocab_size":2,"layer_norm_eps":1e-12,"hidden_act":"gelu"}""");
        Assert.Equal((768, 12, 12, 21128), (c.HiddenSize, c.Heads, c.Layers, c.VocabSize));
        var e = Assert.Throws<InvalidDataException>(() => BertConfig.FromJson("""{"hidden_size":100,"num_attention_heads":12}""", "x/config.json"));
        Assert.Contains("x/config.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("not divisible", e.Message, StringComparison.Ordinal);
        Assert.Equal(c, BertConfig.FromJson(c.ToJson()));
    }
}
