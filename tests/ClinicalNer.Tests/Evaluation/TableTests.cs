using ClinicalNer.Evaluation;
using Microsoft.VisualBasic.FileIO;

namespace ClinicalNer.Tests;

public class TableTests : TempDirTest
{
    private sealed record Row(string Name, double Score, int Count);

    [Fact]
    public void Csv_round_trips_through_an_independent_parser()
    {
        var table = new Table(["term", "note", "F1"],
        [
            ["腹痛, 左下", "he said \"no\"", 91.5],
            ["line\nbreak", "", 0.12345],
            ["plain", "a|b", null],
        ]);
        string path = table.SaveCsv(Path.Combine(Dir, "out", "t.csv"));

        using var parser = new TextFieldParser(path, System.Text.Encoding.UTF8) { HasFieldsEnclosedInQuotes = true };
        parser.SetDelimiters(",");
        var parsed = new List<string[]>();
        while (!parser.EndOfData) parsed.Add(parser.ReadFields()!);
        Assert.Equal(["term", "note", "F1"], parsed[0]);
        Assert.Equal(["腹痛, 左下", "he said \"no\"", "91.5"], parsed[1]);
        Assert.Equal("line\nbreak", parsed[2][0].Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.Equal("0.1235", parsed[2][2]);
        Assert.Equal(["plain", "a|b", ""], parsed[3]);
        Assert.Equal(4, parsed.Count);
        Assert.NotEqual(0xEF, File.ReadAllBytes(path)[0]); // no BOM
    }

    [Fact]
    public void Markdown_has_one_line_per_row_with_escaped_pipes_and_aligned_numbers()
    {
        var table = Table.From([new Row("a|b", 1.5, 3), new Row("c", 2, 4)]);
        string md = table.ToMarkdown();
        string[] lines = md.TrimEnd('\n').Split('\n');
        Assert.Equal("| Name | Score | Count |", lines[0]);
        Assert.Equal("|---|---:|---:|", lines[1]);
        Assert.Equal("| a\\|b | 1.5 | 3 |", lines[2]);
        Assert.Equal("| c | 2 | 4 |", lines[3]);
        Assert.Equal(4, lines.Length);
        // Every row has the same number of unescaped separators as the header.
        Assert.All(lines, l => Assert.Equal(4, System.Text.RegularExpressions.Regex.Count(l, @"(?<!\\)\|")));
    }

    [Fact]
    public void Rows_of_the_wrong_length_are_rejected_with_the_row_number()
    {
        var e = Assert.Throws<ArgumentException>(() => new Table(["a", "b"], [["1", "2"], ["3"]]));
        Assert.Contains("row 2 has 1 cells", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_table_shows_percentages_reference_and_macro()
    {
        IReadOnlyList<EntitySpan>[] gold = [[new(0, 2, "BODY"), new(3, 5, "SIGNS")]];
        IReadOnlyList<EntitySpan>[] pred = [[new(0, 2, "BODY")]];
        var report = NerMetrics.Strict(gold, pred) with { Reference = new Dictionary<string, double> { ["BODY"] = 95.2 } };
        Table t = report.ToTable();
        Assert.Equal(["type", "P", "R", "F1", "support", "paper F1"], t.Columns);
        Assert.Equal(["BODY", "100.00", "100.00", "100.00", "1", "95.20"], t.Rows[0]);
        Assert.Equal(["SIGNS", "0.00", "0.00", "0.00", "1", "-"], t.Rows[1]);
        Assert.Equal(["micro", "100.00", "50.00", "66.67", "2", "-"], t.Rows[2]);
        Assert.Equal("macro-F1 50.00", t.Note);
        string md = File.ReadAllText(t.SaveMarkdown(Path.Combine(Dir, "r.md")));
        Assert.Contains("| micro | 100.00 | 50.00 | 66.67 | 2 | - |", md, StringComparison.Ordinal);
        Assert.Contains("macro-F1 50.00", report.ToString(), StringComparison.Ordinal);
    }
}
