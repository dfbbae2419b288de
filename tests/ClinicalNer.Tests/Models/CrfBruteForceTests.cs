using ClinicalNer.Models.Crf;
using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Tests;

/// <summary>The CRF against brute-force enumeration of every tag sequence (AllenNLP's test strategy).</summary>
public class CrfBruteForceTests
{
    private const int Tags = 3;
    private static readonly long[] Lengths = [4, 2, 1, 3];

    private static (ConditionalRandomField crf, Tensor logits, Tensor mask, double[,,] emit, double[,] trans, double[] start, double[] end) Setup(bool[,]? constraints = null, int seed = 0)
    {
        manual_seed(seed);
        var crf = new ConditionalRandomField(Tags, constraints);
        crf.to(CPU, ScalarType.Float64);
        var logits = randn([Lengths.Length, 4, Tags], ScalarType.Float64);
        var mask = arange(4).unsqueeze(0).lt(tensor(Lengths).unsqueeze(1));
        double[] e = logits.data<double>();
        var emit = new double[Lengths.Length, 4, Tags];
        for (int b = 0; b < Lengths.Length; b++) for (int t = 0; t < 4; t++) for (int j = 0; j < Tags; j++) emit[b, t, j] = e[(b * 4 + t) * Tags + j];
        double[] tr = crf.Transitions.data<double>();
        var trans = new double[Tags, Tags];
        for (int i = 0; i < Tags; i++) for (int j = 0; j < Tags; j++) trans[i, j] = tr[i * Tags + j];
        return (crf, logits, mask, emit, trans, crf.StartTransitions.data<double>(), crf.EndTransitions.data<double>());
    }

    private static IEnumerable<int[]> AllPaths(int length)
    {
        int count = (int)Math.Pow(Tags, length);
        for (int k = 0; k < count; k++)
        {
            var path = new int[length];
            for (int t = 0, v = k; t < length; t++, v /= Tags) path[t] = v % Tags;
            yield return path;
        }
    }

    private static double Score(int b, int[] y, double[,,] emit, double[,] trans, double[] start, double[] end)
    {
        double s = start[y[0]] + end[y[^1]];
        for (int t = 0; t < y.Length; t++) s += emit[b, t, y[t]];
        for (int t = 1; t < y.Length; t++) s += trans[y[t - 1], y[t]];
        return s;
    }

    private static double LogSumExp(IEnumerable<double> xs)
    {
        var a = xs.ToArray();
        double m = a.Max();
        return m + Math.Log(a.Sum(x => Math.Exp(x - m)));
    }

    [Fact]
    public void Log_partition_and_gold_score_match_enumeration()
    {
        using var scope = NewDisposeScope();
        var (crf, logits, mask, emit, trans, start, end) = Setup();
        double[] logZ = crf.LogPartition(logits, mask).data<double>();
        var gold = tensor(new long[] { 0, 2, 1, 1, 2, 2, -100, -100, 1, -100, -100, -100, 0, 0, 2, -100 }, [4, 4]);
        double[] goldScore = crf.GoldScore(logits, gold, mask).data<double>();
        long[] g = gold.data<long>();
        for (int b = 0; b < Lengths.Length; b++)
        {
            Assert.Equal(LogSumExp(AllPaths((int)Lengths[b]).Select(y => Score(b, y, emit, trans, start, end))), logZ[b], 10);
            int[] y = Enumerable.Range(0, (int)Lengths[b]).Select(t => (int)g[b * 4 + t]).ToArray();
            Assert.Equal(Score(b, y, emit, trans, start, end), goldScore[b], 10);
        }
        double expectedLoss = Enumerable.Range(0, 4).Average(b => logZ[b] - goldScore[b]);
        Assert.Equal(expectedLoss, crf.Loss(logits, gold, mask).item<double>(), 10);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Viterbi_finds_the_best_path_unconstrained(bool native)
    {
        using var scope = NewDisposeScope();
        for (int seed = 0; seed < 5; seed++)
        {
            var (crf, logits, mask, emit, trans, start, end) = Setup(seed: seed);
            crf.NativeViterbi = native;
            var decoded = crf.Decode(logits, mask);
            for (int b = 0; b < Lengths.Length; b++)
            {
                var best = AllPaths((int)Lengths[b]).MaxBy(y => Score(b, y, emit, trans, start, end))!;
                Assert.Equal(best, decoded.Paths[b]);
                Assert.Equal(Score(b, best, emit, trans, start, end), decoded.Scores[b], 9);
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Constrained_viterbi_never_emits_an_illegal_sequence_and_is_the_best_legal_one(bool native) => BestLegal(native);

    [Fact]
    public void Native_and_tensor_viterbi_agree_on_float32_batches()
    {
        using var scope = NewDisposeScope();
        manual_seed(17);
        var crf = new ConditionalRandomField(11, AllowedTransitions.For(Text.TagScheme.BIO, ["O", "B-A", "I-A", "B-B", "I-B", "B-C", "I-C", "B-D", "I-D", "B-E", "I-E"]));
        var logits = randn(16, 40, 11) * 3;
        var mask = arange(40).unsqueeze(0).lt(randint(1, 41, [16]).unsqueeze(1));
        crf.NativeViterbi = true;
        var a = crf.Decode(logits, mask);
        crf.NativeViterbi = false;
        var b = crf.Decode(logits, mask);
        Assert.Equal(a.Paths, b.Paths);
        for (int k = 0; k < 16; k++) Assert.Equal(b.Scores[k], a.Scores[k], 3);
    }

    private static void BestLegal(bool native)
    {
        using var scope = NewDisposeScope();
        string[] labels = ["O", "B-X", "I-X"];
        var allowed = AllowedTransitions.For(Text.TagScheme.BIO, labels);
        bool Legal(int[] y) => allowed[Tags, y[0]] && allowed[y[^1], Tags + 1] && y.Zip(y.Skip(1)).All(p => allowed[p.First, p.Second]);
        for (int seed = 0; seed < 10; seed++)
        {
            var (crf, logits, mask, emit, trans, start, end) = Setup(allowed, seed);
            crf.NativeViterbi = native;
            // Push the model towards illegal paths: I-X likes to start sequences and follow O.
            using (no_grad()) { crf.StartTransitions[2] = tensor(5.0, ScalarType.Float64); }
            start[2] = 5.0;
            var decoded = crf.Decode(logits, mask);
            for (int b = 0; b < Lengths.Length; b++)
            {
                Assert.True(Legal(decoded.Paths[b]), $"illegal path {string.Join(",", decoded.Paths[b])}");
                var best = AllPaths((int)Lengths[b]).Where(Legal).MaxBy(y => Score(b, y, emit, trans, start, end))!;
                Assert.Equal(best, decoded.Paths[b]);
            }
        }
    }

    [Fact]
    public void Marginals_and_sequence_probability_match_enumeration()
    {
        using var scope = NewDisposeScope();
        var (crf, logits, mask, emit, trans, start, end) = Setup(seed: 3);
        double[] marginals = crf.Marginals(logits, mask).data<double>();
        var (best, probability) = crf.DecodeWithProbability(logits, mask);
        for (int b = 0; b < Lengths.Length; b++)
        {
            var paths = AllPaths((int)Lengths[b]).ToList();
            var scores = paths.Select(y => Score(b, y, emit, trans, start, end)).ToList();
            double logZ = LogSumExp(scores);
            for (int t = 0; t < 4; t++)
                for (int j = 0; j < Tags; j++)
                {
                    double expected = t < Lengths[b] ? paths.Select((y, k) => y[t] == j ? Math.Exp(scores[k] - logZ) : 0).Sum() : 0;
                    Assert.Equal(expected, marginals[(b * 4 + t) * Tags + j], 9);
                }
            Assert.Equal(Math.Exp(scores.Max() - logZ), probability[b], 9);
        }
        Assert.False(logits.requires_grad);
    }

    [Fact]
    public void Shapes_are_checked()
    {
        using var scope = NewDisposeScope();
        var crf = new ConditionalRandomField(Tags);
        Assert.Contains("(batch, length, 3)", Assert.Throws<ArgumentException>(() => crf.LogPartition(randn(2, 4, 5), ones([2, 4], ScalarType.Bool))).Message);
        Assert.Contains("mask must be", Assert.Throws<ArgumentException>(() => crf.LogPartition(randn(2, 4, 3), ones([2, 5], ScalarType.Bool))).Message);
    }
}
