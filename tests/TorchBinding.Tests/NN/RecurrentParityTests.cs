using static TorchBinding.torch;

namespace TorchBinding.Tests;

/// <summary>
/// LSTM and GRU, 2 layers, bidirectional, on a padded batch of different lengths, against PyTorch's
/// packed sequences (Parity/gen/recurrent.py): outputs, final states and every gradient.
/// </summary>
public class RecurrentParityTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Lstm_and_gru_with_lengths_match_pytorch_packed_sequences(bool fused)
    {
        using var kernels = backends.use_fused(backends.fused with { Lstm = fused, Gru = fused });
        Compare();
    }

    private static void Compare()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        long[] lengths = [4, 7, 1, 5];
        using var lstm = nn.LSTM(3, 5, num_layers: 2, batch_first: true, bidirectional: true).On();
        using var gru = nn.GRU(3, 5, num_layers: 2, batch_first: false, bidirectional: true).On();
        var lx = randn(4, 7, 3).On().requires_grad_();   // (B, T, I)
        var gx = randn(7, 4, 3).On().requires_grad_();   // (T, B, I)
        var lprobe = randn(4, 7, 10).On();
        var gprobe = randn(7, 4, 10).On();

        var inputs = new Dictionary<string, Tensor>
        {
            ["lengths"] = tensor(lengths), ["lstm.x"] = lx.detach(), ["gru.x"] = gx.detach(), ["lstm.probe"] = lprobe, ["gru.probe"] = gprobe,
        };
        foreach (var (name, p) in lstm.named_parameters()) inputs["lstm.m." + name] = p.detach();
        foreach (var (name, p) in gru.named_parameters()) inputs["gru.m." + name] = p.detach();

        var o = new Dictionary<string, Tensor>();
        var (lout, lh, lc) = lstm.call(lx, lengths: lengths);
        var (gout, gh) = gru.call(gx, lengths: lengths);
        o["lstm.out"] = lout; o["lstm.h"] = lh; o["lstm.c"] = lc;
        o["gru.out"] = gout; o["gru.h"] = gh;
        ((lout * lprobe).sum() + (lh * lh).sum() + lc.sum() + (gout * gprobe).sum() + (gh * gh).sum()).backward();
        o["lstm.grad.x"] = lx.grad!;
        o["gru.grad.x"] = gx.grad!;
        foreach (var (name, p) in lstm.named_parameters()) o["lstm.grad." + name] = p.grad!;
        foreach (var (name, p) in gru.named_parameters()) o["gru.grad." + name] = p.grad!;

        PyTorchOracle.AssertAllClose(PyTorchOracle.Run("recurrent", inputs), o, rtol: 1e-4, atol: 1e-5);
        // Padded steps are zero, and the shortest sequence's state is its first step's.
        Assert.Equal(0f, lout[2, 1..].abs().sum().item<float>());
    }

    // 11 sequences of uneven lengths: a partial 8-row block for the packed products, and padding in most sequences.
    private static readonly long[] UnevenLengths = [9, 3, 12, 1, 12, 7, 5, 12, 2, 11, 6];

    private static nn.Module Bidirectional(string kind, long layers) => kind == "lstm"
        ? nn.LSTM(20, 32, num_layers: layers, batch_first: true, bidirectional: true)
        : nn.GRU(20, 32, num_layers: layers, batch_first: true, bidirectional: true);

    // The outputs (output, h_n and for the LSTM c_n) and the gradients of the input and every parameter of one forward and
    // backward pass of a loss that reads all the outputs.
    private static (Tensor[] Outputs, Tensor[] Grads) OutputsAndGradients(nn.Module rnn, Tensor x, Tensor probe)
    {
        rnn.zero_grad();
        var xi = x.detach().requires_grad_();
        Tensor[] outputs = rnn is Modules.LSTM lstm
            ? lstm.call(xi, lengths: UnevenLengths) is var (o, h, c) ? [o, h, c] : []
            : ((Modules.GRU)rnn).call(xi, lengths: UnevenLengths) is var (go, gh) ? [go, gh] : [];
        ((outputs[0] * probe).sum() + outputs.Skip(1).Select(s => (s * s).sum()).Aggregate((a, b) => a + b)).backward();
        return (outputs, rnn.parameters().Select(p => p.grad!.clone()).Prepend(xi.grad!).ToArray());
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    public void Fused_kernels_at_a_packed_gemm_shape_match_libtorch_and_its_gradients(string kind)
    {
        // H = 32 (4H, 3H and H multiples of 32): the recurrence runs on the packed AVX-512 products where the CPU has them;
        // 11 sequences leave a partial 8-row block. libtorch's own LSTM/GRU (checked against PyTorch above) is the reference.
        using var scope = NewDisposeScope();
        manual_seed(21);
        using nn.Module rnn = Bidirectional(kind, layers: 1);
        var x = randn(11, 12, 20);
        var probe = randn(11, 12, 64);
        (Tensor[] Outputs, Tensor[] Grads) Run(bool fused)
        {
            using var kernels = backends.use_fused(backends.fused with { Lstm = fused, Gru = fused });
            return OutputsAndGradients(rnn, x, probe);
        }
        var a = Run(fused: true);
        var b = Run(fused: false);
        for (int k = 0; k < a.Outputs.Length; k++)
            Assert.True(a.Outputs[k].allclose(b.Outputs[k], 1e-4, 1e-5), $"output {k} differs");
        for (int k = 0; k < a.Grads.Length; k++)
            Assert.True(a.Grads[k].allclose(b.Grads[k], 1e-4, 1e-4), $"gradient {k} differs by up to {(a.Grads[k] - b.Grads[k]).abs().max().item<float>()}");
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    public void Fused_kernels_give_the_same_floats_with_the_directions_on_libtorchs_pool(string kind)
    {
        // torch=2, blas=1 (CPU bfloat16 training): the second direction runs on a worker of libtorch's pool instead of a
        // thread of the kernel's own. The arithmetic is the same, so outputs and gradients must be equal to the bit.
        using var scope = NewDisposeScope();
        manual_seed(23);
        using nn.Module rnn = Bidirectional(kind, layers: 2);
        var x = randn(11, 12, 20);
        var probe = randn(11, 12, 64);
        var own = OutputsAndGradients(rnn, x, probe);
        int torchThreads = Threading.TorchThreads, blasThreads = Threading.BlasThreads;
        (Tensor[] Outputs, Tensor[] Grads) pooled;
        using (Threading.ForCpuAutocast()) pooled = OutputsAndGradients(rnn, x, probe);
        Assert.Equal((torchThreads, blasThreads), (Threading.TorchThreads, Threading.BlasThreads));
        for (int k = 0; k < own.Outputs.Length; k++) Assert.True(own.Outputs[k].equal(pooled.Outputs[k]), $"output {k} differs on libtorch's pool");
        for (int k = 0; k < own.Grads.Length; k++) Assert.True(own.Grads[k].equal(pooled.Grads[k]), $"gradient {k} differs on libtorch's pool");
    }

    [Fact]
    public void Bad_lengths_are_reported_before_reaching_libtorch()
    {
        using var scope = NewDisposeScope();
        using var lstm = nn.LSTM(3, 4, batch_first: true);
        var x = randn(2, 5, 3);
        var tooLong = Assert.Throws<ArgumentException>(() => lstm.call(x, lengths: [5, 6]));
        Assert.Contains("length 6 is outside [1, 5]", tooLong.Message);
        var wrongCount = Assert.Throws<ArgumentException>(() => lstm.call(x, lengths: [5]));
        Assert.Contains("1 lengths for a batch of 2", wrongCount.Message);
    }

    [Fact]
    public void Full_length_batches_need_no_lengths_and_agree_with_them()
    {
        using var scope = NewDisposeScope();
        manual_seed(9);
        using var gru = nn.GRU(3, 4, batch_first: true, bidirectional: true);
        var x = randn(2, 6, 3);
        var (a, ha) = gru.call(x);
        var (b, hb) = gru.call(x, lengths: [6, 6]);
        Assert.True(a.allclose(b, 1e-5, 1e-6));
        Assert.True(ha.allclose(hb, 1e-5, 1e-6));
        Assert.Equal(new long[] { 2, 6, 8 }, a.shape);
        Assert.Equal(new long[] { 2, 2, 4 }, ha.shape);
    }
}
