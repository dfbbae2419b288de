using System.Diagnostics;
using System.Text.Json;
using ClinicalNer.Models.Bert;
using ClinicalNer.Models.Specs;
using ClinicalNer.Training;
using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Tests;

/// <summary>A BERT the way most Chinese medical BERTs ship: config.json, vocab.txt and a pytorch_model.bin written by PyTorch.</summary>
public class PickledBertCheckpointTests : TempDirTest
{
    // The names and shapes of our encoder's parameters, written by PyTorch under "bert." (as BertForMaskedLM saves them),
    // with a head the encoder does not use, random values, and one table's values for the comparison.
    private const string Script = """
        import collections, json, sys, torch
        torch.manual_seed(1)
        spec = json.load(open(sys.argv[1]))
        def value(name, shape):   # as a trained BERT looks: unit LayerNorm gains, zero biases, small weights
            return torch.ones(*shape) if name.endswith("LayerNorm.weight") else torch.zeros(*shape) if name.endswith("bias") else torch.randn(*shape) * 0.02
        sd = collections.OrderedDict(("bert." + name, value(name, shape)) for name, shape in spec.items())
        sd["cls.predictions.bias"] = torch.zeros(3)
        torch.save(sd, sys.argv[2])
        json.dump(sd["bert.embeddings.word_embeddings.weight"].double().flatten().tolist(), open(sys.argv[3], "w"))
        """;

    [Fact]
    public void A_bert_tagger_trains_from_a_folder_pytorch_wrote()
    {
        var docs = TinyCorpus.Documents;
        var vocab = new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }.Concat(docs.SelectMany(d => d.Chars)).Distinct().ToList();
        var config = BertConfig.Tiny with { HiddenSize = 32, Heads = 2, IntermediateSize = 64, MaxPositions = 24, HiddenDropout = 0, AttentionDropout = 0, VocabSize = vocab.Count };
        string folder = Path.Combine(Dir, "medical-bert");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, BertCheckpoint.ConfigFile), config.ToJson());
        File.WriteAllLines(Path.Combine(folder, BertCheckpoint.VocabFile), vocab);
        using (var shapes = new BertModel(config))
            File.WriteAllText(Write("shapes.json", ""), JsonSerializer.Serialize(shapes.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape)));
        string values = Path.Combine(Dir, "word_embeddings.json");
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("LAB_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3") { RedirectStandardError = true };
        foreach (string a in new[] { "-c", Script, Path.Combine(Dir, "shapes.json"), Path.Combine(folder, BertCheckpoint.PickledWeightsFile), values }) psi.ArgumentList.Add(a);
        using (var python = Process.Start(psi)!)
        {
            string stderr = python.StandardError.ReadToEnd();
            python.WaitForExit();
            Assert.True(python.ExitCode == 0, "python3-torch (./lab setup installs it) failed: " + stderr);
        }
        Assert.False(File.Exists(Path.Combine(folder, BertCheckpoint.WeightsFile)));

        using var model = (BertTaggerModel)ModelBuilder.Build(new BertTaggerSpec(new BertEncoderSpec(Checkpoint: folder), BertHead.Softmax, Dropout: 0), docs, seed: 1);
        double[] expected = JsonSerializer.Deserialize<double[]>(File.ReadAllText(values))!;
        Assert.Equal(expected, model.Tagger.Bert.WordEmbeddings.weight.to_type(ScalarType.Float64).data<double>());   // PyTorch's values, exactly
        var result = new Trainer(new TrainerOptions(Epochs: 60, BatchSize: 5, LearningRate: 2e-3, Patience: 0, HeadLearningRate: 5e-3)).Fit(model, docs, docs);
        Assert.True(result.History[^1].TrainLoss < result.History[0].TrainLoss / 2, $"loss {result.History[0].TrainLoss:F3} → {result.History[^1].TrainLoss:F3}");
        Assert.True(result.BestDevF1 > 0.8, $"best dev F1 {result.BestDevF1}");
    }

    [Fact]
    public void A_folder_that_keeps_case_gives_a_tokenizer_that_keeps_case_and_so_does_the_checkpoint()
    {
        var docs = TinyCorpus.Documents;
        var vocab = new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "CT" }.Concat(docs.SelectMany(d => d.Chars)).Distinct().ToList();
        var config = BertConfig.Tiny with { HiddenSize = 32, Heads = 2, IntermediateSize = 64, MaxPositions = 24, VocabSize = vocab.Count };
        string folder = Path.Combine(Dir, "cased");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, BertCheckpoint.ConfigFile), config.ToJson());
        File.WriteAllLines(Path.Combine(folder, BertCheckpoint.VocabFile), vocab);
        using (var encoder = new BertModel(config)) safetensors.save(encoder.state_dict(), Path.Combine(folder, BertCheckpoint.WeightsFile));
        File.WriteAllText(Path.Combine(folder, BertCheckpoint.TokenizerConfigFile), """{"do_lower_case": false, "model_max_length": 512}""");

        var spec = new BertTaggerSpec(new BertEncoderSpec(Checkpoint: folder), BertHead.Softmax);
        using var model = (BertTaggerModel)ModelBuilder.Build(spec, docs);
        Assert.False(model.Tokenizer.LowerCase);
        Assert.Equal(["CT"], model.Tokenizer.Tokenize("CT").Select(p => model.Tokenizer[p.Id]));
        string saved = Path.Combine(Dir, "saved");
        model.Save(saved);
        using var loaded = (BertTaggerModel)NerCheckpoint.Load(saved);
        Assert.False(loaded.Tokenizer.LowerCase);

        File.WriteAllText(Path.Combine(folder, BertCheckpoint.TokenizerConfigFile), """{"do_lower_case": "no"}""");
        Assert.Contains("do_lower_case is \"no\"", Assert.Throws<InvalidDataException>(() => ModelBuilder.Build(spec, docs)).Message, StringComparison.Ordinal);
        File.Delete(Path.Combine(folder, BertCheckpoint.TokenizerConfigFile));
        using var lowered = (BertTaggerModel)ModelBuilder.Build(spec, docs);
        Assert.True(lowered.Tokenizer.LowerCase);   // bert-base-chinese's default without the file
    }
}
