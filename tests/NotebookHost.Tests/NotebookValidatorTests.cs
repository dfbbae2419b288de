namespace NotebookHost.Tests;

public class NotebookValidatorTests
{
    private static string Nb(string cells, int minor = 5) => $"{{\"nbformat\": 4, \"nbformat_minor\": {minor}, \"metadata\": {{}}, \"cells\": [{cells}]}}";

    [Theory]
    [InlineData("{\"nbformat\": 3, \"nbformat_minor\": 0, \"metadata\": {}, \"cells\": []}", "nbformat must be 4")]
    [InlineData("{\"nbformat\": 4, \"nbformat_minor\": 4, \"metadata\": {}, \"cells\": []}", "cell ids are required")]
    [InlineData("{\"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": {}}", "cells must be an array")]
    public void Malformed_notebooks_are_rejected_with_the_reason(string json, string expected)
    {
        Assert.Contains(expected, Assert.Throws<NotebookFormatException>(() => NotebookDocument.Parse(json, "x.ipynb")).Message);
    }

    [Fact]
    public void Cell_problems_name_the_cell()
    {
        Assert.Contains("cell 2: every cell needs an id", Assert.Throws<NotebookFormatException>(() => NotebookDocument.Parse(Nb(
            "{\"cell_type\": \"markdown\", \"id\": \"a\", \"metadata\": {}, \"source\": \"\"}, {\"cell_type\": \"markdown\", \"metadata\": {}, \"source\": \"\"}"), "x")).Message);
        Assert.Contains("duplicate cell id 'a'", Assert.Throws<NotebookFormatException>(() => NotebookDocument.Parse(Nb(
            "{\"cell_type\": \"markdown\", \"id\": \"a\", \"metadata\": {}, \"source\": \"\"}, {\"cell_type\": \"raw\", \"id\": \"a\", \"metadata\": {}, \"source\": \"\"}"), "x")).Message);
        Assert.Contains("needs an outputs array", Assert.Throws<NotebookFormatException>(() => NotebookDocument.Parse(Nb(
            "{\"cell_type\": \"code\", \"id\": \"a\", \"metadata\": {}, \"source\": \"\", \"execution_count\": null}"), "x")).Message);
        Assert.Contains("cell_type must be", Assert.Throws<NotebookFormatException>(() => NotebookDocument.Parse(Nb(
            "{\"cell_type\": \"python\", \"id\": \"a\", \"metadata\": {}, \"source\": \"\"}"), "x")).Message);
    }

    [Fact]
    public void Sources_as_line_lists_and_unknown_fields_survive()
    {
        var nb = NotebookDocument.Parse(Nb("{\"cell_type\": \"code\", \"id\": \"a\", \"metadata\": {\"custom\": 1}, \"source\": [\"var x = 1;\\n\", \"x\"], \"outputs\": [], \"execution_count\": null}"));
        Assert.Equal("var x = 1;\nx", nb.Cells[0].Source);
        Assert.Equal(1, nb.Cells[0].Metadata["custom"]!.GetValue<int>());
        var empty = NotebookDocument.CreateEmpty("e.ipynb");
        Assert.Equal(".net-csharp", empty.Metadata["kernelspec"]!["name"]!.GetValue<string>());
    }
}
