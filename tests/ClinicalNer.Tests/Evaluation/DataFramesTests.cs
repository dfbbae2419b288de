using ClinicalNer.Display;
using ClinicalNer.Evaluation;
using Microsoft.Data.Analysis;
using Microsoft.VisualBasic.FileIO;

namespace ClinicalNer.Tests;

public class DataFramesTests : TempDirTest
{
    private sealed record Row(string Name, double Score, int Count, bool Kept);

    [Fact]
    public void Csv_is_utf8_and_round_trips_through_an_independent_parser()
    {
        var frame = new DataFrame(
            new StringDataFrameColumn("term", ["腹痛, 左下", "line\nbreak", "he said \"no\""]),
            new DoubleDataFrameColumn("F1", [91.5, 0.12345, null]));
        string path = frame.SaveCsvFile(Path.Combine(Dir, "out", "t.csv"));

        using var parser = new TextFieldParser(path, System.Text.Encoding.UTF8) { HasFieldsEnclosedInQuotes = true };
        parser.SetDelimiters(",");
        var parsed = new List<string[]>();
        while (!parser.EndOfData) parsed.Add(parser.ReadFields()!);
        Assert.Equal(["term", "F1"], parsed[0]);
        Assert.Equal(["腹痛, 左下", "91.5"], parsed[1]);
        Assert.Equal("line\nbreak", parsed[2][0].Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.Equal("0.12345", parsed[2][1]);
        Assert.Equal(["he said \"no\"", ""], parsed[3]);
        Assert.Equal(4, parsed.Count);
        Assert.NotEqual(0xEF, File.ReadAllBytes(path)[0]); // no BOM
    }

    [Fact]
    public void A_value_is_looked_up_by_its_key_columns_and_a_missing_key_or_column_is_named()
    {
        var frame = DataFrames.FromRecords([new { Configuration = "base", Type = "BODY", F1 = 90.5, Seeds = 3L },
            new { Configuration = "base", Type = "SIGNS", F1 = 88.25, Seeds = 3L }, new { Configuration = "full", Type = "BODY", F1 = 92.0, Seeds = 2L }]);
        Assert.Equal(88.25, frame.Value("F1", ("Configuration", "base"), ("Type", "SIGNS")));
        Assert.Equal(92.0, frame.Value("F1", ("Configuration", "full")));
        Assert.Equal(2.0, frame.Value("Seeds", ("Configuration", "full")));   // integer columns read as numbers
        Assert.Equal(90.5, frame.Value("F1", ("Configuration", "base")));     // the first row with the keys
        Assert.True(double.IsNaN(frame.ValueOrNaN("F1", ("Configuration", "full"), ("Type", "SIGNS"))));
        Assert.Contains("Configuration = 'ful'", Assert.Throws<KeyNotFoundException>(() => frame.Value("F1", ("Configuration", "ful"))).Message);
        Assert.Contains("no column 'TestF1' (the frame has Configuration, Type, F1, Seeds)", Assert.Throws<ArgumentException>(() => frame.Value("TestF1", ("Configuration", "base"))).Message);
    }

    [Fact]
    public void Records_become_typed_columns()
    {
        var frame = DataFrames.FromRecords([new Row("a|b", 1.5, 3, true), new Row("c", 2, 4, false)]);
        Assert.Equal(["Name", "Score", "Count", "Kept"], frame.Columns.Select(c => c.Name));
        Assert.Equal([typeof(string), typeof(double), typeof(long), typeof(bool)], frame.Columns.Select(c => c.DataType));
        Assert.Equal(2L, frame.Rows.Count);
        Assert.Equal(4L, frame.Columns["Count"][1]);
    }

    [Fact]
    public void Markdown_has_one_line_per_row_with_escaped_pipes_and_aligned_numbers()
    {
        string md = DataFrames.FromRecords([new Row("a|b", 1.5, 3, true), new Row("c\nd", 2, 4, false)]).ToMarkdown();
        string[] lines = md.TrimEnd('\n').Split('\n');
        Assert.Equal("| Name | Score | Count | Kept |", lines[0]);
        Assert.Equal("|---|---:|---:|---|", lines[1]);
        Assert.Equal("| a\\|b | 1.5 | 3 | True |", lines[2]);
        Assert.Equal("| c d | 2 | 4 | False |", lines[3]);
        Assert.Equal(4, lines.Length);
        Assert.All(lines, l => Assert.Equal(5, System.Text.RegularExpressions.Regex.Count(l, @"(?<!\\)\|")));
    }

    [Fact]
    public void Text_pads_wide_characters_as_two_columns_and_html_encodes_cells()
    {
        var frame = new DataFrame(new StringDataFrameColumn("type", ["腹痛", "ab"]), new DoubleDataFrameColumn("F1", [1.0, 22.5]));
        string[] lines = frame.ToText().TrimEnd('\n').Split('\n');
        Assert.Equal(["type    F1", "腹痛     1", "ab    22.5"], lines);
        string html = new DataFrame(new StringDataFrameColumn("a<b", ["x&y"])).ToHtml();
        Assert.Contains("<th>a&lt;b</th>", html, StringComparison.Ordinal);
        Assert.Contains("<td>x&amp;y</td>", html, StringComparison.Ordinal);
        var many = new DataFrame(new Int64DataFrameColumn("n", Enumerable.Range(0, 30).Select(i => (long)i)));
        Assert.Contains("(first 10 of 30 rows)", many.ToHtml(maxRows: 10), StringComparison.Ordinal);
        Assert.Equal(10, System.Text.RegularExpressions.Regex.Count(many.ToHtml(maxRows: 10), "<tr><td"));
    }

    [Fact]
    public void Report_table_shows_percentages_reference_micro_and_macro()
    {
        IReadOnlyList<EntitySpan>[] gold = [[new(0, 2, "BODY"), new(3, 5, "SIGNS")]];
        IReadOnlyList<EntitySpan>[] pred = [[new(0, 2, "BODY")]];
        var report = NerMetrics.Strict(gold, pred) with { Reference = new Dictionary<string, double> { ["BODY"] = 95.2 } };
        DataFrame t = report.ToTable();
        Assert.Equal(["type", "P", "R", "F1", "support", "paper F1"], t.Columns.Select(c => c.Name));
        Assert.Equal(["BODY", "100", "100", "100", "1", "95.2"], t.RowCells(0));
        Assert.Equal(["SIGNS", "0", "0", "0", "1", ""], t.RowCells(1));
        Assert.Equal(["micro", "100", "50", "66.67", "2", ""], t.RowCells(2));
        Assert.Equal(["macro", "", "", "50", "", ""], t.RowCells(3));
        string md = File.ReadAllText(t.SaveMarkdown(Path.Combine(Dir, "r.md")));
        Assert.Contains("| micro | 100 | 50 | 66.67 | 2 |  |", md, StringComparison.Ordinal);
        Assert.Contains("macro", report.ToString(), StringComparison.Ordinal);
    }
}
