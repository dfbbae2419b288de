using Benchmarks;

namespace Cli.Tests.Bench;

/// <summary>A peer script serving single rounds (LAB_PEER_SERVE=1) through <see cref="PeerSession"/>, with the real PyTorch.</summary>
public class PeerSessionTests
{
    [Fact]
    public void Ops_peer_announces_its_cases_and_times_one_round_on_request()
    {
        using var peer = new PeerSession("ops_peer.py", new PeerConfiguration(1, 1));
        Assert.Equal(["add_4x4", "lstm_fwd_bwd_32x100", "matmul_1024"], peer.Cases);
        double first = peer.Round("add_4x4", 0.05), second = peer.Round("add_4x4", 0.05);
        // Microseconds per 4 x 4 add: positive and far below a millisecond on any machine that runs the suite.
        Assert.InRange(first, 1e-3, 1e3);
        Assert.InRange(second, 1e-3, 1e3);
    }

    [Fact]
    public void A_case_the_peer_does_not_have_is_an_error_naming_the_cases_and_the_session_goes_on()
    {
        using var peer = new PeerSession("bilstm_crf_peer.py", new PeerConfiguration(1, 1), "1");
        var e = Assert.Throws<ArgumentException>(() => peer.Round("train_fast", 0.01));
        Assert.Contains("'decode', 'train'", e.Message, StringComparison.Ordinal);
        Assert.True(peer.Round("decode", 0.01) > 0);   // sentences/s
    }

    [Fact]
    public void A_peer_that_fails_at_start_reports_its_error()
    {
        // bert_peer.py knows the sizes small and base only: Python stops with a KeyError before it serves.
        var e = Assert.Throws<InvalidOperationException>(() => new PeerSession("bert_peer.py", new PeerConfiguration(1, 1), "1", "huge", "2", "cpu", "fp32"));
        Assert.Contains("PyTorch peer bert_peer.py failed", e.Message, StringComparison.Ordinal);
        Assert.Contains("KeyError: 'huge'", e.Message, StringComparison.Ordinal);
    }
}
