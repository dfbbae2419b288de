using ClinicalNer.Models.Specs;
using ClinicalNer.Models.Tagging;
using ClinicalNer.Training;
using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Tests;

/// <summary>TENER's encoder part: its relative attention against a direct computation, its direction awareness, padding, training.</summary>
public class TenerTests
{
    private static Tensor Mask(long[] lengths, long width) =>
        tensor(lengths.SelectMany(n => Enumerable.Range(0, (int)width).Select(t => t < n)).ToArray(), [lengths.Length, width]);

    // R_d of TENER, computed directly: [sin(c_0 d), cos(c_0 d), sin(c_1 d), ...], c_i = 10000^(-2i/size).
    private static double[] Relative(long distance, int size) => Enumerable.Range(0, size).Select(k =>
    {
        double rate = Math.Pow(10000, -2.0 * (k / 2) / size);
        return k % 2 == 0 ? Math.Sin(distance * rate) : Math.Cos(distance * rate);
    }).ToArray();

    [Fact]
    public void Relative_attention_scores_are_the_four_terms_computed_directly()
    {
        manual_seed(3);
        var spec = new TenerSpec(Model: 8, Heads: 2, Layers: 1, FeedForward: 16, AttentionDropout: 0);
        using var layer = new TenerLayer(spec, 0);
        layer.eval();
        using (no_grad())
        {
            // Non-zero u and v, so the two bias terms count.
            layer.U.normal_(0, 1);
            layer.V.normal_(0, 1);
        }
        long b = 2, l = 5;
        long[] lengths = [5, 3];
        var x = randn(b, l, 8);
        var scores = layer.Scores(x, Mask(lengths, l)).to_type(ScalarType.Float64).data<double>();   // (B, H, L, L)

        double[] X = x.to_type(ScalarType.Float64).data<double>();
        double[] W = layer.Query.weight.to_type(ScalarType.Float64).data<double>(), bias = layer.Query.bias!.to_type(ScalarType.Float64).data<double>();
        double[] u = layer.U.to_type(ScalarType.Float64).data<double>(), v = layer.V.to_type(ScalarType.Float64).data<double>();
        const int dk = 4;
        double Input(long bi, long t, int d) => X[(bi * l + t) * 8 + d];
        double Query(long bi, long t, int d) => bias[d] + Enumerable.Range(0, 8).Sum(k => W[d * 8 + k] * Input(bi, t, k));
        int checkedScores = 0;
        for (long bi = 0; bi < b; bi++)
            for (int h = 0; h < 2; h++)
                for (long t = 0; t < l; t++)
                    for (long j = 0; j < l; j++)
                    {
                        double got = scores[((bi * 2 + h) * l + t) * l + j];
                        if (j >= lengths[bi])
                        {
                            Assert.Equal(-1e4, got, 1e-3);   // padded context: masked
                            continue;
                        }
                        double[] r = Relative(t - j, dk);
                        double expected = 0;
                        for (int d = 0; d < dk; d++)
                        {
                            int c = h * dk + d;
                            double q = Query(bi, t, c), k = Input(bi, j, c);   // K is the input itself: no key projection
                            expected += q * k + q * r[d] + u[h * dk + d] * k + v[h * dk + d] * r[d];
                        }
                        Assert.True(Math.Abs(got - expected) <= 1e-4 * Math.Max(1, Math.Abs(expected)), $"b{bi} h{h} t{t} j{j}: {got} vs {expected}");
                        checkedScores++;
                    }
        Assert.Equal(2 * (5 * 5 + 5 * 3), checkedScores);
    }

    [Fact]
    public void The_encodings_tell_left_from_right()
    {
        var r = TenerLayer.RelativePositions(4, 6, CPU).data<float>();   // rows: distances -3 .. 3
        float[] Row(int distance) => r.Skip((distance + 3) * 6).Take(6).ToArray();
        for (int d = 1; d <= 3; d++)
            for (int k = 0; k < 6; k++)
            {
                Assert.Equal(Relative(d, 6)[k], Row(d)[k], 5);
                Assert.Equal(k % 2 == 0 ? -Row(d)[k] : Row(d)[k], Row(-d)[k], 5);   // sin odd, cos even
            }
        Assert.NotEqual(Row(2), Row(-2));
    }

    [Fact]
    public void Padding_changes_nothing_at_real_positions()
    {
        manual_seed(4);
        using var encoder = new TenerEncoder(new TenerSpec(Model: 8, Heads: 2, Layers: 2, FeedForward: 16), 6, 0.1);
        encoder.eval();
        var x = randn(1, 5, 6);
        long[] lengths = [3];
        var y = encoder.Encode(x, lengths, Mask(lengths, 5));
        var other = x.clone();
        other.narrow(1, 3, 2).fill_(7);
        Assert.True(y.narrow(1, 0, 3).allclose(encoder.Encode(other, lengths, Mask(lengths, 5)).narrow(1, 0, 3), 1e-5, 1e-6));
        Assert.Equal([1L, 5, 8], y.shape);
    }

    [Fact]
    public void A_tener_crf_tagger_fits_the_tiny_corpus()
    {
        var spec = new TaggerSpec([new TenerSpec(Model: 32, Heads: 4, FeedForward: 64, AttentionDropout: 0)], new CrfSpec(), Dropout: 0, Chars: new CharInputSpec(16));
        using var model = ModelBuilder.Build(spec, TinyCorpus.Documents, seed: 2);
        Assert.Equal("TENER-CRF", model.Kind);
        Assert.IsType<TenerEncoder>(((TaggerModel)model).Tagger.named_children().Single(c => c.name == "encoder").module);
        var result = new Trainer(new TrainerOptions(Epochs: 60, BatchSize: 5, LearningRate: 1e-2, Patience: 0)).Fit(model, TinyCorpus.Documents, TinyCorpus.Documents);
        Assert.Equal(1.0, result.BestDevF1);
    }
}
