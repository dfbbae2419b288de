using TorchBinding;
using TorchBinding.Modules;
using static TorchBinding.torch;

namespace ClinicalNer.Tests;

/// <summary>
/// A test-only <see cref="ISpanScorer"/> in one file: each span's class scores are (W_s h_i) ⊙ (W_e h_j) summed per class,
/// a bilinear stand-in for paper 5's biaffine scorer, on top of any <see cref="ISequenceEncoder"/>.
/// </summary>
internal sealed class DotProductSpanScorer : nn.Module, ISpanScorer
{
    private readonly Linear start, end;
    private readonly int width;

    public DotProductSpanScorer(long inputSize, IReadOnlyList<string> types, int width = 8) : base(nameof(DotProductSpanScorer))
    {
        Classes = ["O", .. types];
        this.width = width;
        start = nn.Linear(inputSize, Classes.Count * width);
        end = nn.Linear(inputSize, Classes.Count * width);
        RegisterComponents();
    }

    public IReadOnlyList<string> Classes { get; }

    public Tensor Scores(Tensor states, Tensor mask)
    {
        long b = states.size(0), l = states.size(1), c = Classes.Count;
        var s = start.call(states).view(b, l, c, width).permute(0, 2, 1, 3);                 // (B, C, L, w)
        var e = end.call(states).view(b, l, c, width).permute(0, 2, 3, 1);                   // (B, C, w, L)
        return s.matmul(e).permute(0, 2, 3, 1);                                               // (B, L, L, C)
    }

    public Tensor Loss(Tensor scores, Tensor mask, long[] lengths, IReadOnlyList<IReadOnlyList<EntitySpan>> gold)
    {
        long b = scores.size(0), l = scores.size(1);
        var target = new long[b * l * l];
        var valid = new bool[b * l * l];
        for (int k = 0; k < b; k++)
        {
            for (int i = 0; i < lengths[k]; i++) for (int j = i; j < lengths[k]; j++) valid[(k * l + i) * l + j] = true;
            foreach (var span in gold[k]) target[(k * l + span.Start) * l + span.End - 1] = Classes.ToList().IndexOf(span.Type);
        }
        using var scope = NewDisposeScope();
        var keep = tensor(valid, [b * l * l]);
        var flat = scores.reshape(-1, Classes.Count).index_select(0, keep.nonzero().squeeze(1));
        var labels = tensor(target, [b * l * l]).index_select(0, keep.nonzero().squeeze(1));
        return nn.functional.cross_entropy(flat, labels).MoveToOuterDisposeScope();
    }

    public List<List<(int Start, int End, int Class, float Score)>> Candidates(Tensor scores, long[] lengths) => BiaffineSpanScorer.Candidates(scores, lengths);

    public IReadOnlyList<IReadOnlyList<EntitySpan>> Decode(Tensor scores, long[] lengths)
    {
        long l = scores.size(1);
        long[] best = scores.argmax(-1).data<long>();                                        // (B, L, L)
        return lengths.Select((len, k) => (IReadOnlyList<EntitySpan>)Enumerable.Range(0, (int)len)
            .SelectMany(i => Enumerable.Range(i, (int)len - i).Where(j => best[(k * l + i) * l + j] > 0)
                .Select(j => new EntitySpan(i, j + 1, Classes[(int)best[(k * l + i) * l + j]]))).ToList()).ToList();
    }
}
