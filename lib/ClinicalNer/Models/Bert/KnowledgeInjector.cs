using System.Text.Json.Serialization;
using ClinicalNer.Text;
using ClinicalNer.Text.Lexicon;

namespace ClinicalNer.Models.Bert;

/// <summary>K-BERT's knowledge layer, with a switch for each of paper 3's ablations.</summary>
/// <param name="MaxObjects">Objects injected after each matched entity (K-BERT's max_entities, 2).</param>
/// <param name="VisibleMatrix">Restrict attention to the sentence tree (off: "−MASK", every token sees every token).</param>
/// <param name="SoftPositions">Soft positions (off: "−POS", positions 0, 1, 2, ... over the injected sequence).</param>
/// <param name="Inject">Inject at all (off: "−KG", the plain sentence).</param>
public sealed record KnowledgeInjectionOptions(
    [property: JsonPropertyName("max_objects")] int MaxObjects = 2,
    [property: JsonPropertyName("visible_matrix")] bool VisibleMatrix = true,
    [property: JsonPropertyName("soft_positions")] bool SoftPositions = true,
    [property: JsonPropertyName("inject")] bool Inject = true);

/// <summary>An injected branch: an object of the graph after the entity it was matched on.</summary>
/// <param name="Entity">The matched subject.</param>
/// <param name="Injected">The injected object.</param>
/// <param name="AnchorFirst">The entity's first word piece (index among the sentence's pieces).</param>
/// <param name="AnchorLast">The entity's last word piece.</param>
/// <param name="Start">Where the branch's tokens start in <see cref="InjectedSequence.Ids"/>.</param>
/// <param name="Length">How many tokens it has.</param>
/// <param name="EntityStart">The entity's first character in the sentence.</param>
/// <param name="EntityEnd">One past its last character.</param>
public sealed record Branch(string Entity, string Injected, int AnchorFirst, int AnchorLast, int Start, int Length, int EntityStart, int EntityEnd);

/// <summary>A sentence with its knowledge injected: [CLS], the sentence's pieces with branches after matched entities, [SEP].</summary>
/// <param name="Ids">Token ids.</param>
/// <param name="Positions">Position ids (soft or hard).</param>
/// <param name="Visible">Who may attend to whom (row attends to column), or null when every token sees every token.</param>
/// <param name="SentenceTokens">Where each of the sentence's pieces sits in <see cref="Ids"/> (the tagger reads its states there).</param>
/// <param name="Branches">The branches, in order.</param>
public sealed record InjectedSequence(int[] Ids, int[] Positions, bool[,]? Visible, int[] SentenceTokens, IReadOnlyList<Branch> Branches);

/// <summary>
/// Injects knowledge-graph objects into a sentence as K-BERT does. Subjects are matched on the sentence's characters,
/// longest first (<see cref="KnowledgeGraphMatcher"/>); after the last word piece of each matched entity up to
/// <see cref="KnowledgeInjectionOptions.MaxObjects"/> objects follow as branches. Soft positions: the sentence counts on
/// from [CLS] = 0 as if there were no branches, a branch's tokens continue from its entity's last position. Visible
/// matrix: sentence tokens ([CLS] and [SEP] included) see every sentence token and the branches of their own entity;
/// a branch's tokens see their branch and their entity. Injected tokens carry no label: the tagger reads only the
/// sentence's positions (<see cref="InjectedSequence.SentenceTokens"/>). When the injected sequence exceeds the length
/// limit, branches are dropped from the end until it fits, so every sentence piece (and its label) is kept.
/// </summary>
public sealed class KnowledgeInjector
{
    private readonly KnowledgeGraphMatcher graph;
    private readonly WordPieceTokenizer tokenizer;
    private readonly Dictionary<string, int[]> objectIds = new(StringComparer.Ordinal);

    /// <summary>An injector over <paramref name="graph"/> whose objects are tokenised with <paramref name="tokenizer"/>.</summary>
    public KnowledgeInjector(KnowledgeGraphMatcher graph, WordPieceTokenizer tokenizer, KnowledgeInjectionOptions? options = null)
    {
        this.graph = graph ?? throw new ArgumentNullException(nameof(graph));
        this.tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        Options = options ?? new KnowledgeInjectionOptions();
        if (Options.MaxObjects < 0) throw new ArgumentOutOfRangeException(nameof(options), $"max objects {Options.MaxObjects} is negative");
    }

    /// <summary>The switches in force.</summary>
    public KnowledgeInjectionOptions Options { get; }

    /// <summary>Injects into a sentence given as characters (text elements) and its word pieces (id, first character, end character).</summary>
    /// <param name="chars">The sentence's characters.</param>
    /// <param name="pieces">Its word pieces with the character range each covers.</param>
    /// <param name="maxLength">Most tokens in all, [CLS] and [SEP] included.</param>
    /// <exception cref="ArgumentException">When the sentence alone does not fit.</exception>
    public InjectedSequence Inject(IReadOnlyList<string> chars, IReadOnlyList<(int Id, int Start, int End)> pieces, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(chars);
        ArgumentNullException.ThrowIfNull(pieces);
        if (pieces.Count + 2 > maxLength) throw new ArgumentException($"a sentence of {pieces.Count} word pieces does not fit in {maxLength} tokens with [CLS] and [SEP]");
        var candidates = Options.Inject ? Candidates(chars, pieces) : [];
        int room = maxLength - pieces.Count - 2, used = 0, kept = 0;
        while (kept < candidates.Count && used + candidates[kept].Ids.Length <= room) used += candidates[kept++].Ids.Length;
        return Build(pieces, candidates.Take(kept).ToList());
    }

    // Each matched entity that begins and ends on piece boundaries, with its objects' ids, in sentence order.
    private List<(int First, int Last, string Entity, string Object, int[] Ids, int CharStart, int CharEnd)> Candidates(IReadOnlyList<string> chars, IReadOnlyList<(int Id, int Start, int End)> pieces)
    {
        var firstPieceAt = new Dictionary<int, int>();
        var lastPieceAt = new Dictionary<int, int>();
        for (int k = 0; k < pieces.Count; k++)
        {
            firstPieceAt.TryAdd(pieces[k].Start, k);
            lastPieceAt[pieces[k].End] = k;
        }
        var result = new List<(int, int, string, string, int[], int, int)>();
        foreach (var match in graph.Match(chars, Options.MaxObjects))
        {
            if (!firstPieceAt.TryGetValue(match.Start, out int first) || !lastPieceAt.TryGetValue(match.End, out int last)) continue;
            foreach (var triple in match.Triples)
            {
                int[] ids = IdsOf(triple.Tail);
                if (ids.Length > 0) result.Add((first, last, match.Entity, triple.Tail, ids, match.Start, match.End));
            }
        }
        return result;
    }

    private int[] IdsOf(string text)
    {
        if (!objectIds.TryGetValue(text, out int[]? ids)) objectIds[text] = ids = tokenizer.Tokenize(text).Select(t => t.Id).ToArray();
        return ids;
    }

    private InjectedSequence Build(IReadOnlyList<(int Id, int Start, int End)> pieces, List<(int First, int Last, string Entity, string Object, int[] Ids, int CharStart, int CharEnd)> branches)
    {
        var ids = new List<int> { tokenizer.ClsId };
        var positions = new List<int> { 0 };
        var sentence = new int[pieces.Count];
        var placed = new List<Branch>();
        int b = 0;
        for (int k = 0; k < pieces.Count; k++)
        {
            sentence[k] = ids.Count;
            ids.Add(pieces[k].Id);
            positions.Add(k + 1);
            for (; b < branches.Count && branches[b].Last == k; b++)
            {
                placed.Add(new Branch(branches[b].Entity, branches[b].Object, branches[b].First, k, ids.Count, branches[b].Ids.Length, branches[b].CharStart, branches[b].CharEnd));
                for (int j = 0; j < branches[b].Ids.Length; j++)
                {
                    ids.Add(branches[b].Ids[j]);
                    positions.Add(k + 2 + j);   // the entity's last piece sits at position k + 1
                }
            }
        }
        ids.Add(tokenizer.SepId);
        positions.Add(pieces.Count + 1);
        int length = ids.Count;
        int[] positionIds = Options.SoftPositions ? positions.ToArray() : Enumerable.Range(0, length).ToArray();
        return new InjectedSequence(ids.ToArray(), positionIds, Options.VisibleMatrix ? Visibility(length, sentence, placed) : null, sentence, placed);
    }

    private static bool[,] Visibility(int length, int[] sentence, List<Branch> branches)
    {
        var visible = new bool[length, length];
        var sentenceTokens = new List<int> { 0 };
        sentenceTokens.AddRange(sentence);
        sentenceTokens.Add(length - 1);
        foreach (int i in sentenceTokens)
            foreach (int j in sentenceTokens) visible[i, j] = true;
        foreach (var branch in branches)
        {
            var anchor = Enumerable.Range(branch.AnchorFirst, branch.AnchorLast - branch.AnchorFirst + 1).Select(k => sentence[k]).ToList();
            var own = Enumerable.Range(branch.Start, branch.Length).ToList();
            foreach (int i in own)
            {
                foreach (int j in own) visible[i, j] = true;
                foreach (int a in anchor) visible[i, a] = visible[a, i] = true;
            }
        }
        return visible;
    }
}
