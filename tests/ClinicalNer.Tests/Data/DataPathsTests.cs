using ClinicalNer.Data;

namespace ClinicalNer.Tests;

/// <summary>Where runs find their corpora: a default run never falls back to the sample silently.</summary>
public class DataPathsTests
{
    [Fact]
    public void Missing_data_is_named_with_every_place_looked_in_and_where_to_get_it()
    {
        var error = Assert.Throws<DirectoryNotFoundException>(() => DataPaths.Require("no-such-corpus/split"));
        string repo = DataPaths.RepositoryRoot()!;
        Assert.Contains("'no-such-corpus/split' was not found", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(repo, "data", "no-such-corpus/split") + " (data/)", error.Message, StringComparison.Ordinal);
        Assert.Contains("(../shared/data)", error.Message, StringComparison.Ordinal);
        Assert.Contains("data/README.md", error.Message, StringComparison.Ordinal);
        Assert.Throws<DirectoryNotFoundException>(() => DataPaths.ForRun("no-such-corpus/split", null, smoke: false));
    }

    [Fact]
    public void A_smoke_run_takes_the_bundled_sample_and_a_named_folder_is_taken_as_given()
    {
        string repo = DataPaths.RepositoryRoot()!;
        Assert.Equal(Path.Combine(repo, "data", "sample"), DataPaths.ForRun("no-such-corpus/split", null, smoke: true).Path);
        var given = DataPaths.ForRun("no-such-corpus/split", Path.Combine(repo, "data", "sample"), smoke: false);
        Assert.Equal(("parameter", Path.Combine(repo, "data", "sample")), (given.Origin, given.Path));
        Assert.Throws<FileNotFoundException>(() => DataPaths.ForRun("x", Path.Combine(repo, "no-such-folder"), smoke: true));
    }
}
