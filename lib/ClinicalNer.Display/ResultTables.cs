using ClinicalNer.Evaluation;
using ClinicalNer.Runs;
using ClinicalNer.Training;
using Microsoft.Data.Analysis;
using Plotly.NET;
using Reporting;

namespace ClinicalNer.Display;

/// <summary>
/// The NER library's results as DataFrames and charts for notebooks, the command line and exports (CSV, Markdown, HTML,
/// PNG, SVG through <see cref="DataFrames"/> and the figure export).
/// </summary>
public static class ResultTables
{
    /// <summary>
    /// The per-type table in percentages rounded to 2 decimals (type, P, R, F1, support, and "paper F1" when the report
    /// has a reference): one row per type, then "micro", then "macro" (its F1 only).
    /// </summary>
    public static DataFrame ToTable(this NerReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var scores = report.PerType.Append(report.Micro).ToList();
        static double? P(double fraction) => Math.Round(fraction * 100, 2);
        var columns = new List<DataFrameColumn>
        {
            new StringDataFrameColumn("type", scores.Select(s => s.Type).Append("macro")),
            new DoubleDataFrameColumn("P", scores.Select(s => P(s.Precision)).Append(null)),
            new DoubleDataFrameColumn("R", scores.Select(s => P(s.Recall)).Append(null)),
            new DoubleDataFrameColumn("F1", scores.Select(s => P(s.F1)).Append(P(report.MacroF1))),
            new Int64DataFrameColumn("support", scores.Select(s => (long?)s.Support).Append(null)),
        };
        if (report.Reference is { } reference)
            columns.Add(new DoubleDataFrameColumn("paper F1",
                scores.Select(s => s.Type).Append("macro").Select(t => reference.TryGetValue(t, out double p) ? p : (double?)null)));
        return new DataFrame(columns);
    }

    /// <summary>One row per corpus (split): documents, characters, entities, the entities of each type, and the nested ones.</summary>
    public static DataFrame StatisticsTable(this IEnumerable<Data.Corpus> corpora)
    {
        ArgumentNullException.ThrowIfNull(corpora);
        return DataFrames.FromRecords(corpora.Select(Data.CorpusStatistics.Of).Select(s => new
        {
            Split = s.Name, s.Documents, s.Characters, s.Entities, Types = string.Join(", ", s.EntitiesByType.Select(kv => $"{kv.Key} {kv.Value}")),
            s.Nested,
        }));
    }

    /// <summary>A run's training curve: the training loss and the dev F1 (%) per epoch, side by side.</summary>
    public static GenericChart CurveChart(this IReadOnlyList<EpochRecord> history, string title = "Training")
    {
        ArgumentNullException.ThrowIfNull(history);
        var epochs = history.Select(h => (double)h.Epoch).ToList();
        return Charts.Grid(
                [Charts.Lines(epochs, [new Series("train loss", history.Select(h => h.TrainLoss).ToList())]),
                 Charts.Lines(epochs, [new Series("dev F1", history.Select(h => h.DevF1 * 100).ToList())])],
                1, 2, ["train loss", "dev F1 (%)"], title)
            .WithAxisTitles("epoch", null).WithAxisTitles("epoch", null, subplot: 2).WithLegendShown(false);
    }

    /// <summary>A run's training curve (<see cref="CurveChart(IReadOnlyList{EpochRecord}, string)"/>).</summary>
    public static GenericChart CurveChart(this TrainingResult result, string title = "Training") =>
        (result ?? throw new ArgumentNullException(nameof(result))).History.CurveChart(title);

    /// <summary>Test F1 (%) by entity type of one report, strict, as bars.</summary>
    public static GenericChart F1ByTypeChart(this NerReport report, string title = "Test F1 by type (strict)")
    {
        ArgumentNullException.ThrowIfNull(report);
        return Charts.GroupedBars(report.PerType.Select(s => s.Type).ToList(), [new Series("F1", report.PerType.Select(s => s.F1 * 100).ToList())],
            title, "F1 (%)", yRange: (0, 100));
    }

    /// <summary>A training run's epochs as a DataFrame.</summary>
    public static DataFrame HistoryTable(this TrainingResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return DataFrames.FromRecords(result.History);
    }

    /// <summary>One row per configuration (<see cref="ExperimentResults.SummaryRows"/>).</summary>
    public static DataFrame Summary(this ExperimentResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return DataFrames.FromRecords(results.SummaryRows());
    }

    /// <summary>Test F1 per configuration and entity type (<see cref="ExperimentResults.PerTypeRows"/>).</summary>
    public static DataFrame PerType(this ExperimentResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return DataFrames.FromRecords(results.PerTypeRows());
    }

    /// <summary>Test F1 by entity type (and micro), one bar per configuration, error bars of one sd.</summary>
    public static GenericChart Chart(this ExperimentResults results, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        var categories = results.EntityTypes.Append("micro").ToList();
        var series = results.Configurations.Select(c =>
        {
            var stats = categories.Select(t => ExperimentResults.MeanSd(results.Runs.Where(r => r.Configuration == c)
                .Select(r => r.F1("test", t) ?? double.NaN).Where(double.IsFinite).ToList())).ToList();
            return new Series(c, stats.Select(s => s.Mean * 100).ToList(), stats.Select(s => s.Sd * 100).ToList());
        });
        return Charts.GroupedBars(categories, series, title ?? $"{results.Name}: test F1 (mean ± sd over seeds)", "F1 (%)", yRange: (0, 100));
    }

    /// <summary>
    /// Test micro precision, recall and F1 of each configuration: three bars per configuration (mean over seeds, error bars
    /// of one sd), as paper 5 draws its Figure 2(b).
    /// </summary>
    public static GenericChart PrecisionRecallChart(this ExperimentResults results, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        var configurations = results.Configurations;
        Series Measure(string name, Func<RunScore, double> value)
        {
            var stats = configurations.Select(c => ExperimentResults.MeanSd(results.Runs.Where(r => r.Configuration == c)
                .Select(r => r.Scores.FirstOrDefault(s => s.Split == "test" && s.Type == "micro")).OfType<RunScore>().Select(value).ToList())).ToList();
            return new Series(name, stats.Select(s => s.Mean * 100).ToList(), stats.Select(s => s.Sd * 100).ToList());
        }
        Series[] series = [Measure("P", s => s.Precision), Measure("R", s => s.Recall), Measure("F1", s => s.F1)];
        return Charts.GroupedBars(configurations, series, title ?? $"{results.Name}: test P, R and F1 (mean ± sd over seeds)", "%", yRange: (0, 100));
    }

    /// <summary>
    /// The runs as a DataFrame (one row per run: id, name, model, dataset, status, best dev F1 in percent, started,
    /// finished, key), newest first.
    /// </summary>
    public static DataFrame RunsTable(this RunStore store, string? namePrefix = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        return DataFrames.FromRecords(store.Runs(namePrefix).Select(r => new
        {
            r.Id, r.Name, r.Model, r.Dataset, r.Status, BestDevF1 = r.BestDevF1 is { } f ? Math.Round(f * 100, 2) : (double?)null, r.Started, r.Finished, r.Key,
        }));
    }

    /// <summary>A run's per-epoch curve as a DataFrame.</summary>
    public static DataFrame CurveTable(this RunStore store, long runId)
    {
        ArgumentNullException.ThrowIfNull(store);
        return DataFrames.FromRecords(store.Curve(runId));
    }

    /// <summary>A run's final scores as a DataFrame (split, type, P, R, F1 in percent, support).</summary>
    public static DataFrame ScoresTable(this RunStore store, long runId)
    {
        ArgumentNullException.ThrowIfNull(store);
        return DataFrames.FromRecords(store.Scores(runId).Select(s => new
        {
            s.Split, s.Type, P = Math.Round(s.Precision * 100, 2), R = Math.Round(s.Recall * 100, 2), F1 = Math.Round(s.F1 * 100, 2), s.Support,
        }));
    }
}
