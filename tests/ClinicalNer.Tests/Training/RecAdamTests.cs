using ClinicalNer.Training;
using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Tests;

/// <summary>RecAdam against a formula-by-formula reference in doubles, and against AdamW when λ ≡ 1.</summary>
public class RecAdamTests
{
    private const double Lr = 0.05, Wd = 0.1, B1 = 0.9, B2 = 0.999, Eps = 1e-8;

    // Two parameters: "encoder" (pretrained) and "head", loss Σ (w − target)² so the gradient is 2 (w − target).
    private static (nn.Parameter Encoder, nn.Parameter Head) Parameters()
    {
        var encoder = new nn.Parameter(tensor(new float[] { 0.5f, -1.0f, 2.0f }));
        var head = new nn.Parameter(tensor(new float[] { 0.1f, 0.3f }));
        return (encoder, head);
    }

    private static readonly float[] EncoderTarget = [2.0f, 1.0f, -1.0f];
    private static readonly float[] HeadTarget = [-1.0f, 1.0f];

    private static void Backward(nn.Parameter encoder, nn.Parameter head)
    {
        using var scope = NewDisposeScope();
        var loss = encoder.sub(tensor(EncoderTarget)).pow(2).sum().add(head.sub(tensor(HeadTarget)).pow(2).sum());
        loss.backward();
    }

    private static optim.ParamGroup[] Groups(nn.Parameter encoder, nn.Parameter head) => [new([encoder]), new([head], lr: 2 * Lr)];

    [Fact]
    public void Steps_equal_the_formulas_with_the_pull_on_pretrained_parameters_only()
    {
        var recall = new RecAdamOptions(K: 1.0, T0: 3, Coefficient: 2.0);   // λ = 0.12, 0.27, 0.5, 0.73, 0.88: the pull matters
        var (encoder, head) = Parameters();
        using var optimizer = new RecAdam(Groups(encoder, head), [encoder], recall, Lr, B1, B2, Eps, Wd);

        // The reference: w ← w(1 − lr·wd); m, v; w ← w − λ·lr/bc1 · m / (√v/√bc2 + ε) − lr(1 − λ)c · (w − w0) for the encoder;
        // the head the same with λ = 1 and its own learning rate.
        double[] w = [0.5, -1.0, 2.0], w0 = [0.5, -1.0, 2.0], h = [0.1, 0.3];
        double[] mw = new double[3], vw = new double[3], mh = new double[2], vh = new double[2];
        for (int t = 1; t <= 5; t++)
        {
            optimizer.zero_grad();
            Backward(encoder, head);
            optimizer.step();

            double lambda = 1 / (1 + Math.Exp(-recall.K * (t - recall.T0)));
            Assert.Equal(lambda, recall.Lambda(t), 15);
            double bc1 = 1 - Math.Pow(B1, t), bc2 = 1 - Math.Pow(B2, t);
            void Update(double[] p, double[] m, double[] v, float[] target, double lr, double share, double[]? anchor)
            {
                for (int i = 0; i < p.Length; i++)
                {
                    double g = 2 * (p[i] - target[i]);
                    p[i] *= 1 - lr * Wd;
                    m[i] = B1 * m[i] + (1 - B1) * g;
                    v[i] = B2 * v[i] + (1 - B2) * g * g;
                    p[i] -= share * lr / bc1 * m[i] / (Math.Sqrt(v[i]) / Math.Sqrt(bc2) + Eps);
                    if (anchor is not null) p[i] -= lr * (1 - share) * recall.Coefficient * (p[i] - anchor[i]);
                }
            }
            Update(w, mw, vw, EncoderTarget, Lr, lambda, w0);
            Update(h, mh, vh, HeadTarget, 2 * Lr, 1.0, null);

            float[] encoderNow = encoder.detach().data<float>(), headNow = head.detach().data<float>();
            for (int i = 0; i < 3; i++) Assert.Equal(w[i], encoderNow[i], 4);
            for (int i = 0; i < 2; i++) Assert.Equal(h[i], headNow[i], 4);
        }
        // The pull kept the encoder near its start: plain AdamW from the same point moves it further.
        var (plainEncoder, plainHead) = Parameters();
        using (var adamw = new TorchBinding.Modules.AdamW(Groups(plainEncoder, plainHead), Lr, B1, B2, Eps, Wd))
            for (int t = 1; t <= 5; t++) { adamw.zero_grad(); Backward(plainEncoder, plainHead); adamw.step(); }
        double Distance(Tensor p) => p.detach().data<float>().Select((x, i) => Math.Abs(x - w0[i])).Sum();
        Assert.True(Distance(encoder) < Distance(plainEncoder) - 0.05, $"{Distance(encoder)} vs AdamW {Distance(plainEncoder)}");
        Assert.Equal(Distance(encoder), optimizer.DistanceFromPretrained(), 4);
        Assert.True(head.allclose(plainHead, rtol: 1e-5, atol: 1e-6), "the head is not plain AdamW");
    }

    [Fact]
    public void With_lambda_one_it_is_adamw()
    {
        var recall = new RecAdamOptions(K: 1.0, T0: -1e6);   // λ(t) = 1 exactly
        Assert.Equal(1.0, recall.Lambda(1));
        var (encoder, head) = Parameters();
        var (plainEncoder, plainHead) = Parameters();
        using var recAdam = new RecAdam(Groups(encoder, head), [encoder], recall, Lr, B1, B2, Eps, Wd);
        using var adamw = new TorchBinding.Modules.AdamW(Groups(plainEncoder, plainHead), Lr, B1, B2, Eps, Wd);
        for (int t = 0; t < 6; t++)
        {
            recAdam.zero_grad(); Backward(encoder, head); recAdam.step();
            adamw.zero_grad(); Backward(plainEncoder, plainHead); adamw.step();
        }
        Assert.True(encoder.allclose(plainEncoder, rtol: 1e-5, atol: 1e-6));
        Assert.True(head.allclose(plainHead, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void The_pretrained_values_are_state_restored_on_resume_and_foreign_parameters_are_refused()
    {
        var (encoder, head) = Parameters();
        var recall = new RecAdamOptions(K: 1.0, T0: 3, Coefficient: 2.0);
        using var first = new RecAdam(Groups(encoder, head), [encoder], recall, Lr);
        for (int t = 0; t < 2; t++) { first.zero_grad(); Backward(encoder, head); first.step(); }
        var saved = first.state_dict();
        Assert.True(saved["0.0.pretrained"].allclose(tensor(new float[] { 0.5f, -1.0f, 2.0f })));

        // A resumed optimizer is built over the moved weights; loading the state puts the original anchor back.
        using var resumed = new RecAdam(Groups(encoder, head), [encoder], recall, Lr);
        Assert.True(resumed.DistanceFromPretrained() == 0);
        resumed.load_state_dict(saved, first.StepCount);
        Assert.Equal(first.DistanceFromPretrained(), resumed.DistanceFromPretrained(), 6);

        var stranger = new nn.Parameter(tensor(new float[] { 1f }));
        Assert.Throws<ArgumentException>(() => new RecAdam(Groups(encoder, head), [stranger], recall, Lr));
    }
}
