using ClinicalNer.Models.FeatureCrf;
using ClinicalNer.Models.Tagging;
using ClinicalNer.Training;
using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Tests;

/// <summary>Adversarial training (fast gradient method) on the input embeddings, checked against the same step done by hand.</summary>
public class AdversarialTrainingTests
{
    private const double Epsilon = 0.5;
    private const double Lr = 0.1;
    private static readonly List<Document> Tiny = TinyCorpus.Documents;

    // Two tables (characters and bigrams), so that each is seen to take its own step; no dropout, so two losses of the
    // same batch are the same function.
    private static TaggerModel Small(TaggerInputs inputs) =>
        TaggerModel.Create(inputs, inputs.ModelConfig(c => c with { CharEmbeddingDim = 8, BigramEmbeddingDim = 4, HiddenSize = 8, Dropout = 0 }), seed: 5);

    private static double[] Values(Tensor t) => t.detach().contiguous().to_type(ScalarType.Float64).data<double>().ToArray();

    private static double Norm(IEnumerable<double> v) => Math.Sqrt(v.Sum(x => x * x));

    [Fact]
    public void One_step_descends_the_clean_gradient_plus_the_gradient_at_the_perturbed_embeddings()
    {
        var inputs = TaggerInputs.Build(Tiny, minBigramCount: 1);
        Assert.True(inputs.BigramCount > 0);

        // Oracle, by hand on a twin: g = ∇L(w); each table e moves by ε·g_e/‖g_e‖ (its norm computed here in doubles); the
        // gradient there adds to g; SGD's first step with momentum is w − lr·(sum of both).
        using var twin = Small(inputs);
        var parameters = twin.Network.named_parameters().ToList();
        var start = parameters.ToDictionary(p => p.name, p => Values(p.parameter));
        twin.Network.train();
        twin.Loss(Tiny).backward();
        var clean = parameters.ToDictionary(p => p.name, p => Values(p.parameter.grad!));
        var tables = twin.InputEmbeddings.ToList();
        Assert.Equal(2, tables.Count);
        using (no_grad())
        {
            foreach (var table in tables)
            {
                double[] g = Values(table.grad!);
                using var step = table.grad! * (Epsilon / Norm(g));
                table.add_(step);
            }
        }
        twin.Loss(Tiny).backward();   // accumulates onto the clean gradient
        var expected = parameters.ToDictionary(p => p.name, p => start[p.name].Zip(Values(p.parameter.grad!), (w, g) => w - Lr * g).ToArray());
        var cleanOnly = parameters.ToDictionary(p => p.name, p => start[p.name].Zip(clean[p.name], (w, g) => w - Lr * g).ToArray());

        using var model = Small(inputs);
        var options = new TrainerOptions(Epochs: 1, BatchSize: Tiny.Count, LearningRate: Lr, Optimizer: OptimizerKind.Sgd, WeightDecay: 0, ClipNorm: 0,
            Patience: 0, Adversarial: Epsilon);
        new Trainer(options).Fit(model, Tiny, Tiny);

        double largestGap = 0;
        foreach (var (name, parameter) in model.Network.named_parameters())
        {
            double[] actual = Values(parameter);
            for (int i = 0; i < actual.Length; i++) Assert.True(Math.Abs(actual[i] - expected[name][i]) < 2e-5, $"{name}[{i}]: {actual[i]} vs {expected[name][i]}");
            largestGap = Math.Max(largestGap, actual.Zip(cleanOnly[name], (a, c) => Math.Abs(a - c)).Max());
        }
        Assert.True(largestGap > 1e-3, $"the adversarial gradient changed the step by only {largestGap}: the check could not tell it apart");
    }

    [Fact]
    public void Perturb_moves_each_table_by_epsilon_along_its_gradient_and_restore_puts_back_the_exact_values()
    {
        using var used = nn.Embedding(6, 3);
        using var other = nn.Embedding(4, 2);
        using var unused = nn.Embedding(5, 2);
        using (var ids = tensor(new long[] { 1, 2, 2, 5 }))
        using (var otherIds = tensor(new long[] { 0, 3 }))
        using (var loss = (used.call(ids) * used.call(ids)).sum() + other.call(otherIds).sum() * 3)
            loss.backward();
        double[][] before = [Values(used.weight), Values(other.weight), Values(unused.weight)];
        double[][] gradients = [Values(used.weight.grad!), Values(other.weight.grad!)];

        using var perturbation = new AdversarialPerturbation([used.weight, other.weight, unused.weight], Epsilon);
        perturbation.Perturb();
        for (int t = 0; t < 2; t++)
        {
            double[] after = Values(t == 0 ? used.weight : other.weight);
            double[] moved = after.Zip(before[t], (a, b) => a - b).ToArray();
            Assert.Equal(Epsilon, Norm(moved), 5);
            double scale = Epsilon / Norm(gradients[t]);
            for (int i = 0; i < moved.Length; i++) Assert.Equal(scale * gradients[t][i], moved[i], 5);
        }
        Assert.Equal(before[2], Values(unused.weight));   // no gradient: not moved
        Assert.Throws<InvalidOperationException>(perturbation.Perturb);

        perturbation.Restore();
        Assert.Equal(before[0], Values(used.weight));
        Assert.Equal(before[1], Values(other.weight));
    }

    [Fact]
    public void A_model_without_embedding_tables_or_a_negative_norm_is_refused_by_name()
    {
        using var crf = FeatureCrfModel.Build(Tiny);
        var ex = Assert.Throws<ArgumentException>(() => new Trainer(new TrainerOptions(Epochs: 1, Adversarial: 1)).Fit(crf, Tiny, Tiny));
        Assert.Contains("has none", ex.Message);
        Assert.Contains(crf.Kind, ex.Message);

        var inputs = TaggerInputs.Build(Tiny);
        using var model = Small(inputs);
        Assert.Contains("must be 0 (off) or a positive number",
            Assert.Throws<ArgumentException>(() => new Trainer(new TrainerOptions(Epochs: 1, Adversarial: -1)).Fit(model, Tiny, Tiny)).Message);
    }
}
