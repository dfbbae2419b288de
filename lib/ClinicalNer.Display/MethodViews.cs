using System.Globalization;
using ClinicalNer.Models.Bert;
using ClinicalNer.Text;
using Microsoft.Data.Analysis;
using Plotly.NET;
using Reporting;

namespace ClinicalNer.Display;

/// <summary>
/// The papers' mechanisms on one example, as tables and heatmaps: a pretraining instance of paper 1 (its masked tokens and
/// sentence pair), a K-BERT sentence tree of paper 3 (its soft positions and visible matrix), a span model's score
/// matrix of paper 5. Token labels carry their index, so repeated characters stay apart on a chart's axis.
/// </summary>
public static class MethodViews
{
    /// <summary>One row per token of a pretraining instance: its segment (A or B), what the model reads, and what it must predict where masked.</summary>
    public static DataFrame InstanceTable(this PretrainingInstance instance, WordPieceTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var masked = instance.MaskedPositions.Zip(instance.MaskedLabels).ToDictionary(p => p.First, p => p.Second);
        return DataFrames.FromRecords(instance.Tokens.Select((id, k) => new
        {
            Position = k, Segment = instance.Segments[k] == 0 ? "A" : "B", Reads = tokenizer[id],
            Predicts = masked.TryGetValue(k, out int label) ? tokenizer[label] : "",
        }));
    }

    /// <summary>One row per token of a K-BERT sequence: the token, its soft position, and whether it is the sentence's or a branch's.</summary>
    public static DataFrame TokenTable(this InjectedSequence sequence, WordPieceTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        ArgumentNullException.ThrowIfNull(tokenizer);
        return DataFrames.FromRecords(sequence.Ids.Select((id, k) => new
        {
            Index = k, Token = tokenizer[id], SoftPosition = sequence.Positions[k], Part = PartOf(sequence, k),
        }));
    }

    /// <summary>The visible matrix of a K-BERT sequence: 1 where the row's token may attend to the column's.</summary>
    public static GenericChart VisibleMatrixChart(this InjectedSequence sequence, WordPieceTokenizer tokenizer, string title)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        ArgumentNullException.ThrowIfNull(tokenizer);
        int n = sequence.Ids.Length;
        var z = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) z[i, j] = sequence.Visible is null || sequence.Visible[i, j] ? 1 : 0;
        var labels = sequence.Ids.Select((id, k) => Label(k, tokenizer[id])).ToList();
        return Charts.Heatmap(z, labels, labels, title, "attends to", "token", "0").WithPixelSize(Math.Min(1100, 160 + 22 * n), Math.Min(1000, 140 + 22 * n));
    }

    /// <summary>A span model's score matrix: the probability that the span from the row's piece to the column's is an entity.</summary>
    public static GenericChart Heatmap(this SpanScoreMatrix matrix, string title)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int t = matrix.Context.Count;
        var z = new double[t, t];
        for (int i = 0; i < t; i++)
            for (int j = 0; j < t; j++) z[i, j] = Math.Round(matrix.EntityProbability(i, j), 2);
        var labels = matrix.Context.Select(Label).ToList();
        return Charts.Heatmap(z, labels, labels, title, "span end", "span start").WithPixelSize(Math.Min(1100, 160 + 26 * t), Math.Min(1000, 140 + 26 * t));
    }

    private static string Label(string token, int index) => Label(index, token);

    private static string Label(int index, string token) => string.Create(CultureInfo.InvariantCulture, $"{index} {token}");

    private static string PartOf(InjectedSequence sequence, int k) =>
        sequence.Branches.FirstOrDefault(b => k >= b.Start && k < b.Start + b.Length) is { } branch
            ? $"branch of {branch.Entity}: {branch.Injected}" : "sentence";
}
