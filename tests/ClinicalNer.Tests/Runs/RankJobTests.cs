using ClinicalNer.Models.Tagging;
using ClinicalNer.Runs;
using ClinicalNer.Training;

namespace ClinicalNer.Tests;

/// <summary>A run handed to rank processes comes back as it was: weights, frozen parameters, options and data.</summary>
public class RankJobTests : TempDirTest
{
    [Fact]
    public void A_job_read_back_holds_the_same_weights_frozen_parameters_options_and_documents()
    {
        var docs = TinyCorpus.Documents;
        var inputs = TaggerInputs.Build(docs);
        using var model = TaggerModel.Create(inputs, inputs.ModelConfig(m => m with { CharEmbeddingDim = 8, HiddenSize = 4 }), 5);
        // A table kept fixed (as pretrained vectors without fine-tuning are): a checkpoint alone would load it trainable.
        var frozen = model.Network.named_parameters().First();
        frozen.parameter.requires_grad_(false);
        var options = new TrainerOptions(Epochs: 2, BatchSize: 3, LearningRate: 0.01, OutputDir: "relative/out", Seed: 9);
        RankJob.Write(Dir, model, options, docs, docs.Take(2).ToList());

        var (back, backOptions, train, dev) = RankJob.Read(Dir);
        using (back)
        {
            Assert.Equal(RunKey.WeightsFingerprint(model.Network), RunKey.WeightsFingerprint(back.Network));
            Assert.Equal(model.Network.named_parameters().Select(p => (p.name, p.parameter.requires_grad)),
                back.Network.named_parameters().Select(p => (p.name, p.parameter.requires_grad)));
            Assert.False(back.Network.named_parameters().First(p => p.name == frozen.name).parameter.requires_grad);
        }
        // Every rank resumes from the same folder, whatever its working directory.
        Assert.Equal(options with { OutputDir = Path.GetFullPath("relative/out") }, backOptions);
        Assert.Equal(RunKey.DataFingerprint(docs, docs.Take(2).ToList()), RunKey.DataFingerprint(train, dev));
        Assert.Equal(docs.Select(d => (d.Id, d.Source)), train.Select(d => (d.Id, d.Source)));
    }

    [Fact]
    public void A_damaged_job_file_is_named()
    {
        var docs = TinyCorpus.Documents;
        var inputs = TaggerInputs.Build(docs);
        using var model = TaggerModel.Create(inputs, inputs.ModelConfig(m => m with { CharEmbeddingDim = 8, HiddenSize = 4 }), 5);
        RankJob.Write(Dir, model, new TrainerOptions(), docs, docs);
        File.WriteAllText(Path.Combine(Dir, "train.json"), "[{\"Id\": ");
        var e = Assert.Throws<InvalidDataException>(() => RankJob.Read(Dir));
        Assert.Contains(Path.Combine(Dir, "train.json"), e.Message, StringComparison.Ordinal);
    }
}
