using TorchBinding;
using TorchBinding.Modules;
using static TorchBinding.torch;

namespace ClinicalNer.Models.Bert;

/// <summary>
/// Paper 5's interaction of a separately encoded question with the sentence (its eqs. 2-3): for each context state h_i,
/// relevance S_ij = F(h_i, q_j) = h_iᵀ W q_j with every question state q_j, weights w_ij = exp S_ij normalised over the
/// question (a softmax, padding excluded), and O_i = Σ_j w_ij q_j. The output is [h_i; O_i] (size 2d): the paper
/// "combines the two representations" before its span scorer. Parameter name: <c>relevance</c> (W, no bias).
/// </summary>
public sealed class QueryContextAttention : nn.Module
{
    private readonly Linear relevance;

    /// <summary>An interaction over states of size <paramref name="hiddenSize"/>.</summary>
    public QueryContextAttention(long hiddenSize) : base(nameof(QueryContextAttention))
    {
        relevance = nn.Linear(hiddenSize, hiddenSize, hasBias: false);
        RegisterComponents();
    }

    /// <summary>The relevance matrix W: (d, d), applied as h W q (the layer computes h Wᵀ, so W is its weight transposed).</summary>
    public Tensor W => relevance.weight.t();

    /// <summary>[h; O] for every context state, (P, T, 2d).</summary>
    /// <param name="context">(P, T, d) the sentence's states.</param>
    /// <param name="question">(P, Q, d) the question's states.</param>
    /// <param name="questionMask">(P, Q) true at the question's real tokens.</param>
    public Tensor forward(Tensor context, Tensor question, Tensor questionMask)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(questionMask);
        var s = relevance.call(context).matmul(question.transpose(1, 2));                         // (P, T, Q)
        var padding = questionMask.logical_not().unsqueeze(1);                                    // (P, 1, Q)
        var w = nn.functional.softmax(s.masked_fill(padding, float.NegativeInfinity), -1);
        return cat([context, w.matmul(question)], 2);
    }
}
