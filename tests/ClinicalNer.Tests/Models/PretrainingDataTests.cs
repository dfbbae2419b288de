using ClinicalNer.Models.Bert;

namespace ClinicalNer.Tests;

/// <summary>google-research/bert's pretraining-data procedure, checked statistically over many instances.</summary>
public class PretrainingDataTests
{
    private static readonly WordPieceTokenizer Tokenizer = new(
        new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }.Concat(Enumerable.Range(0, 200).Select(k => ((char)('\u4e00' + k)).ToString())));

    // 60 documents of 3-12 sentences of 5-30 characters, all distinct enough to tell documents apart.
    private static PretrainingData Data(int maxLength = 64, int minSentence = 5, int maxSentence = 30, int minSentences = 3, int maxSentences = 12)
    {
        var rng = new Random(5);
        var texts = Enumerable.Range(0, 60).Select(_ => string.Concat(Enumerable.Range(0, rng.Next(minSentences, maxSentences + 1))
            .Select(_ => new string(Enumerable.Range(0, rng.Next(minSentence, maxSentence + 1)).Select(_ => (char)('\u4e00' + rng.Next(200))).ToArray()) + "。")));
        return PretrainingData.FromTexts(texts, Tokenizer, new PretrainingOptions(MaxLength: maxLength));
    }

    [Fact]
    public void Masking_proportions_hold_and_special_tokens_are_never_chosen()
    {
        var data = Data();
        var rng = new Random(11);
        long tokens = 0, chosen = 0, masked = 0, kept = 0, replaced = 0, nsp = 0, instances = 0, shortInstances = 0;
        for (int pass = 0; pass < 20; pass++)
        {
            foreach (var inst in data.Pass(rng))
            {
                instances++;
                Assert.True(inst.Tokens.Length <= 64);
                if (inst.Tokens.Length < 40) shortInstances++;
                Assert.Equal(Tokenizer.ClsId, inst.Tokens[0]);
                Assert.Equal(Tokenizer.SepId, inst.Tokens[^1]);
                // The original sequence has exactly two [SEP] (a random replacement may draw one elsewhere, as in google's code).
                int[] original = (int[])inst.Tokens.Clone();
                for (int k = 0; k < inst.MaskedPositions.Length; k++) original[inst.MaskedPositions[k]] = inst.MaskedLabels[k];
                Assert.Equal(2, original.Count(t => t == Tokenizer.SepId));
                Assert.Equal(Tokenizer.SepId, original[Array.IndexOf(inst.Segments, 1) - 1]);
                Assert.True(inst.MaskedPositions.Length <= 20);
                Assert.Equal(inst.MaskedPositions.Order(), inst.MaskedPositions);
                Assert.Equal((int)Math.Min(20, Math.Max(1, Math.Round(inst.Tokens.Length * 0.15))), inst.MaskedPositions.Length);
                tokens += inst.Tokens.Length - 3;
                chosen += inst.MaskedPositions.Length;
                for (int k = 0; k < inst.MaskedPositions.Length; k++)
                {
                    int pos = inst.MaskedPositions[k], label = inst.MaskedLabels[k];
                    Assert.NotEqual(Tokenizer.ClsId, label);
                    Assert.NotEqual(Tokenizer.SepId, label);
                    Assert.True(pos > 0 && pos < inst.Tokens.Length - 1);
                    if (inst.Tokens[pos] == Tokenizer.MaskId) masked++;
                    else if (inst.Tokens[pos] == label) kept++;
                    else replaced++;
                }
                if (inst.IsRandomNext) nsp++;
            }
        }
        Assert.True(instances > 2000, $"{instances} instances");
        double Share(long n, long of) => (double)n / of;
        // 15% of the tokens (round() makes it a little more on short instances).
        Assert.InRange(Share(chosen, tokens), 0.14, 0.17);
        Assert.InRange(Share(masked, chosen), 0.78, 0.82);
        // "Kept" includes the random draws that hit the original token (1 in 205 here).
        Assert.InRange(Share(kept, chosen), 0.085, 0.115);
        Assert.InRange(Share(replaced, chosen), 0.085, 0.115);
        // One-sentence chunks always get a random B (as in google's code), so the share is a little over half here.
        Assert.InRange(Share(nsp, instances), 0.45, 0.62);
        Assert.InRange(Share(shortInstances, instances), 0.03, 0.25);
    }

    [Fact]
    public void Next_sentence_labels_are_balanced_when_chunks_have_several_sentences()
    {
        var data = Data(maxLength: 64, minSentence: 2, maxSentence: 6, minSentences: 200, maxSentences: 300);
        var rng = new Random(3);
        var all = Enumerable.Range(0, 30).SelectMany(_ => data.Pass(rng)).ToList();
        Assert.InRange((double)all.Count(i => i.IsRandomNext) / all.Count, 0.47, 0.56);
    }

    [Fact]
    public void A_pass_interleaves_the_instances_of_a_long_document_with_the_rest()
    {
        // One long document written in characters 0-99 and 40 short ones in characters 100-199; the long
        // one yields about half of all instances. Segment A always comes from the instance's own document.
        var rng = new Random(9);
        string Sentence(int from) => new string(Enumerable.Range(0, 20).Select(_ => (char)('\u4e00' + from + rng.Next(100))).ToArray()) + "。";
        var texts = new[] { string.Concat(Enumerable.Range(0, 400).Select(_ => Sentence(0))) }
            .Concat(Enumerable.Range(0, 40).Select(_ => string.Concat(Enumerable.Range(0, 10).Select(_ => Sentence(100)))));
        var data = PretrainingData.FromTexts(texts, Tokenizer, new PretrainingOptions(MaxLength: 64));
        int firstLowId = Tokenizer.IdOf("\u4e00")!.Value, firstHighId = firstLowId + 100;
        bool FromLong(PretrainingInstance i) =>
            i.Tokens.Zip(i.Segments).Count(t => t.Second == 0 && t.First >= firstLowId && t.First < firstHighId)
            > i.Tokens.Zip(i.Segments).Count(t => t.Second == 0 && t.First >= firstHighId);
        var fromLong = data.Pass(new Random(4)).Select(FromLong).ToList();
        Assert.InRange((double)fromLong.Count(x => x) / fromLong.Count, 0.35, 0.65);
        // Longest run of consecutive instances from the long document: ~log2(n) for a fair mix, all ~200 of
        // them when only the document order is shuffled.
        int longest = 0, run = 0;
        foreach (bool x in fromLong) longest = Math.Max(longest, run = x ? run + 1 : 0);
        Assert.InRange(longest, 1, 20);
    }

    [Fact]
    public void Batches_pad_tokens_and_predictions()
    {
        var data = Data();
        var instances = data.Pass(new Random(1)).Take(4).ToList();
        var batch = data.Collate(instances);
        int l = instances.Max(i => i.Tokens.Length), p = instances.Max(i => i.MaskedPositions.Length);
        Assert.Equal(new long[] { 4, l }, batch.InputIds.shape);
        Assert.Equal(new long[] { 4, p }, batch.MaskedLabels.shape);
        Assert.Equal(instances.Sum(i => i.Tokens.Length), batch.AttentionMask.sum().item<long>());
        Assert.Equal(instances.Sum(i => i.MaskedPositions.Length), batch.MaskedLabels.ne(-100).sum().item<long>());
        Assert.Equal(instances.Count(i => i.IsRandomNext), batch.NextSentenceLabels.sum().item<long>());
    }

    [Fact]
    public void Fewer_than_two_documents_is_an_error()
    {
        var e = Assert.Throws<ArgumentException>(() => PretrainingData.FromTexts(["一二三。"], Tokenizer));
        Assert.Contains("at least 2", e.Message, StringComparison.Ordinal);
    }
}
