using static TorchBinding.torch;

namespace TorchBinding.Tests;

public class ModuleTests
{
    private sealed class Tagger : nn.Module<Tensor, Tensor>
    {
        private readonly Modules.Embedding embed;
        private readonly Modules.LSTM encoder;
        private readonly Modules.Linear classifier;
        private readonly Modules.Dropout dropout = nn.Dropout(0.5);

        public Tagger() : base(nameof(Tagger))
        {
            embed = nn.Embedding(20, 4, padding_idx: 0);
            encoder = nn.LSTM(4, 3, batch_first: true, bidirectional: true);
            classifier = nn.Linear(6, 5);
            RegisterComponents();
            register_buffer("transitions_mask", ones(5, 5));
        }

        public override Tensor forward(Tensor input) => classifier.call(dropout.call(encoder.call(embed.call(input)).output));
    }

    [Fact]
    public void State_dict_keys_follow_registration_and_pytorch_names()
    {
        using var m = new Tagger();
        var keys = m.state_dict().Keys.ToList();
        Assert.Equal(new[]
        {
            "embed.weight",
            "encoder.weight_ih_l0", "encoder.weight_hh_l0", "encoder.bias_ih_l0", "encoder.bias_hh_l0",
            "encoder.weight_ih_l0_reverse", "encoder.weight_hh_l0_reverse", "encoder.bias_ih_l0_reverse", "encoder.bias_hh_l0_reverse",
            "classifier.weight", "classifier.bias", "transitions_mask",
        }, keys);
        Assert.Equal(11, m.parameters().Count());
    }

    [Fact]
    public void Load_state_dict_is_strict_and_names_every_problem()
    {
        using var scope = NewDisposeScope();
        using var a = new Tagger();
        using var b = new Tagger();
        var state = a.state_dict();
        b.load_state_dict(state);
        Assert.True(b.state_dict()["classifier.weight"].equal(state["classifier.weight"]));

        var broken = new Dictionary<string, Tensor>(state);
        broken.Remove("embed.weight");
        broken["extra.bias"] = zeros(3);
        broken["classifier.bias"] = zeros(7);
        var before = b.state_dict()["encoder.weight_hh_l0"].clone();
        var ex = Assert.Throws<InvalidDataException>(() => b.load_state_dict(broken));
        Assert.Contains("missing keys: embed.weight", ex.Message);
        Assert.Contains("unexpected keys: extra.bias", ex.Message);
        Assert.Contains("size mismatch for classifier.bias: checkpoint has shape [7], the model expects [5]", ex.Message);
        Assert.True(b.state_dict()["encoder.weight_hh_l0"].equal(before)); // nothing half-loaded

        broken["classifier.bias"] = zeros(5);
        var (missing, unexpected) = b.load_state_dict(broken, strict: false);
        Assert.Equal(new[] { "embed.weight" }, missing);
        Assert.Equal(new[] { "extra.bias" }, unexpected);
    }

    [Fact]
    public void Train_eval_propagate_and_forward_runs()
    {
        using var scope = NewDisposeScope();
        using var m = new Tagger();
        m.eval();
        Assert.All(m.named_modules(), x => Assert.False(x.module.training));
        var y1 = m.call(tensor(new long[] { 1, 2, 0 }, [1, 3]));
        var y2 = m.call(tensor(new long[] { 1, 2, 0 }, [1, 3]));
        Assert.True(y1.equal(y2)); // no dropout in eval
        Assert.Equal(new long[] { 1, 3, 5 }, y1.shape);
        m.train();
        Assert.All(m.named_modules(), x => Assert.True(x.module.training));
    }

    [Fact]
    public void To_dtype_keeps_parameter_identity_for_optimizers()
    {
        using var scope = NewDisposeScope();
        using var m = nn.Linear(3, 2);
        var before = m.weight;
        m.to(CPU, ScalarType.Float64);
        Assert.Same(before, m.weight);
        Assert.Equal(ScalarType.Float64, m.weight.dtype);
        Assert.True(m.weight.requires_grad);
        Assert.Equal(ScalarType.Float64, m.call(randn([1, 3], ScalarType.Float64)).dtype);
    }

    [Fact]
    public void Pretrained_embeddings_load_and_can_be_frozen()
    {
        using var scope = NewDisposeScope();
        var vectors = randn(5, 3);
        using var e = nn.Embedding_from_pretrained(vectors, freeze: true);
        Assert.True(e.weight.equal(vectors));
        Assert.False(e.weight.requires_grad);
        Assert.True(e.call(tensor(new long[] { 4 }))[0].equal(vectors[4]));
    }
}
