using ClinicalNer.Models.Tagging;
using ClinicalNer.Training;
using ClinicalNer.Models.Specs;

namespace ClinicalNer.Tests;

public class CheckpointFolderTests : TempDirTest
{
    private static TaggerModel Tiny(int seed)
    {
        var docs = new List<Document> { Document.Create("1", "头痛三天", [new(0, 1, "BODY"), new(1, 2, "SIGNS")], "t") };
        var inputs = TaggerInputs.Build(docs);
        return TaggerModel.Create(inputs, inputs.ModelConfig(c => c with { CharEmbeddingDim = 4, HiddenSize = 4 }), seed);
    }

    [Fact]
    public void A_write_that_dies_midway_leaves_the_previous_checkpoint_loadable()
    {
        string best = Path.Combine(Dir, "best");
        using var first = Tiny(1);
        CheckpointFolder.Replace(best, first.Save);
        using var second = Tiny(2);
        Assert.Throws<IOException>(() => CheckpointFolder.Replace(best, folder =>
        {
            second.Save(folder);
            File.WriteAllText(Path.Combine(folder, "model.safetensors"), "half");   // a torn write...
            throw new IOException("killed");                                       // ...and the process dies
        }));
        using var loaded = (TaggerModel)NerCheckpoint.Load(best);
        Assert.True(loaded.Tagger.CharEmbedding.weight.allclose(first.Tagger.CharEmbedding.weight));
        Assert.False(loaded.Tagger.CharEmbedding.weight.allclose(second.Tagger.CharEmbedding.weight));

        CheckpointFolder.Replace(best, second.Save);   // the next write clears what the dead one left
        using var again = (TaggerModel)NerCheckpoint.Load(best);
        Assert.True(again.Tagger.CharEmbedding.weight.allclose(second.Tagger.CharEmbedding.weight));
        Assert.Equal(["best"], Directory.GetDirectories(Dir).Select(Path.GetFileName));
    }

    [Fact]
    public void A_crash_between_the_two_renames_still_finds_the_previous_checkpoint()
    {
        string best = Path.Combine(Dir, "best");
        using var model = Tiny(3);
        CheckpointFolder.Replace(best, model.Save);
        Directory.Move(best, best + ".previous");   // the state right after "move the old one aside"
        using var loaded = (TaggerModel)NerCheckpoint.Load(best);
        Assert.True(loaded.Tagger.CharEmbedding.weight.allclose(model.Tagger.CharEmbedding.weight));
    }

    [Fact]
    public void Truncated_or_edited_state_files_name_the_file()
    {
        string path = Write("trainer_state.json", "{\"Epoch\": 3, \"Step\": ");
        var e = Assert.Throws<InvalidDataException>(() => CheckpointFolder.ReadJson(path, r => r.GetProperty("Epoch").GetInt32()));
        Assert.StartsWith($"{path} is not a readable training state", e.Message, StringComparison.Ordinal);
        File.WriteAllText(path, "{\"Epoch\": \"three\"}");
        Assert.Contains("not a readable", Assert.Throws<InvalidDataException>(() => CheckpointFolder.ReadJson(path, r => r.GetProperty("Epoch").GetInt32())).Message, StringComparison.Ordinal);
        File.WriteAllText(path, "{}");
        Assert.Contains("a field is missing", Assert.Throws<InvalidDataException>(() => CheckpointFolder.ReadJson(path, r => r.GetProperty("Epoch").GetInt32())).Message, StringComparison.Ordinal);
    }
}
