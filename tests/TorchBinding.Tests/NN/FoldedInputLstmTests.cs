using TorchBinding.Modules;
using TorchBinding.Extensions;
using static TorchBinding.torch;

namespace TorchBinding.Tests;

/// <summary>
/// SequenceKernels.ForwardEmbedded (input projection folded into per-embedding tables, rows looked up) against
/// forward on the concatenated embeddings, which RecurrentParityTests checks against PyTorch.
/// </summary>
public class FoldedInputLstmTests
{
    [Theory]
    [InlineData(true, 1)]
    [InlineData(true, 2)]
    [InlineData(false, 1)]
    public void Embedded_ids_give_what_the_concatenated_embeddings_give(bool bidirectional, int layers)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        manual_seed(11);
        using var lstm = nn.LSTM(5, 4, num_layers: layers, batch_first: true, bidirectional: bidirectional);
        lstm.eval();
        var chars = randn(7, 3);
        var bigrams = randn(6, 2);
        long[] lengths = [4, 7, 1, 5];
        var charIds = randint(0, 7, [4, 7]);
        var bigramIds = randint(0, 6, [4, 7]);

        var tables = lstm.InputGateTables([chars, bigrams]);
        Assert.Equal((bidirectional ? 2 : 1) * 2, tables.Length);
        var (out1, h1, c1) = lstm.ForwardEmbedded([charIds, bigramIds], tables, lengths);
        var x = cat([nn.functional.embedding(charIds, chars), nn.functional.embedding(bigramIds, bigrams)], 2);
        var (out2, h2, c2) = lstm.call(x, lengths: lengths);

        Assert.Equal(out2.shape, out1.shape);
        Assert.True(out1.allclose(out2, 1e-5, 1e-6), "outputs differ");
        Assert.True(h1.allclose(h2, 1e-5, 1e-6), "h_n differs");
        Assert.True(c1.allclose(c2, 1e-5, 1e-6), "c_n differs");
        foreach (var t in tables) t.Dispose();
    }

    [Fact]
    public void Ids_outside_a_table_and_mismatched_tables_are_clear_errors()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var lstm = nn.LSTM(3, 4, batch_first: true, bidirectional: true);
        var weights = randn(7, 3);
        var tables = lstm.InputGateTables([weights]);
        var outside = Assert.Throws<TorchException>(() => lstm.ForwardEmbedded([full([2, 5], 7, ScalarType.Int64)], tables));
        Assert.Contains("outside the table's [0, 7)", outside.Message);
        var count = Assert.Throws<ArgumentException>(() => lstm.ForwardEmbedded([zeros([2, 5], ScalarType.Int64)], tables[..1]));
        Assert.Contains("1 tables for 1 id tensors and 2 direction(s)", count.Message);
        var width = Assert.Throws<ArgumentException>(() => lstm.InputGateTables([randn(7, 2)]));
        Assert.Contains("2 wide together, the first layer takes 3", width.Message);
        foreach (var t in tables) t.Dispose();
    }

    [Fact]
    public void The_version_counter_counts_in_place_changes_and_the_address_stays()
    {
        using var scope = NewDisposeScope();
        var t = zeros(3);
        long version = t._version, address = t.data_ptr();
        t.add_(1);
        Assert.Equal(version + 1, t._version);
        using (no_grad()) t.copy_(ones(3));
        Assert.Equal(version + 2, t._version);
        Assert.Equal(address, t.data_ptr());
        Assert.NotEqual(address, (t + 1).data_ptr());

        // The fused Adam step writes through raw pointers; it must count as an in-place change too.
        var p = new nn.Parameter(randn(300, 250));
        using var adam = optim.Adam([p], lr: 0.1);
        (p * p).sum().backward();
        long before = p._version;
        adam.step();
        Assert.True(p._version > before, "the Adam step left the version counter unchanged");
    }

    [Fact]
    public void OpenBlas_workers_spin_briefly_unless_the_user_says_otherwise()
    {
        // The binding sets OPENBLAS_THREAD_TIMEOUT before libtorch (and OpenBLAS) load; OpenBLAS reports what it read.
        string? user = Environment.GetEnvironmentVariable("OPENBLAS_THREAD_TIMEOUT");
        int expected = int.Parse(user ?? blas.DefaultThreadTimeout, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(expected, blas.thread_timeout());
    }
}
