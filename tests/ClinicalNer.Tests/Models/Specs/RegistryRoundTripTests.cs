using System.Reflection;
using ClinicalNer.Models.Bert;
using ClinicalNer.Models.Specs;
using ClinicalNer.Runs;
using TorchBinding;

namespace ClinicalNer.Tests;

/// <summary>
/// Every registered composition (each preset, and each registered encoder, decoder and span scorer part in a model of its
/// family) is built by the builder, saved, loaded through the checkpoint registry, and predicts exactly as before.
/// </summary>
public class RegistryRoundTripTests : TempDirTest
{
    // A tiny random BERT with a vocabulary of the corpus's characters (and the MRC queries').
    private BertEncoderSpec TinyBert()
    {
        var pieces = new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }.Concat(TinyCorpus.Documents.SelectMany(d => d.Chars))
            .Concat(BertSpanModel.DefaultQueries.Values.SelectMany(Document.SplitChars)).Distinct();
        return new BertEncoderSpec(Size: "tiny", Vocab: Write("vocab.txt", string.Join("\n", pieces) + "\n"));
    }

    // The record with every constructor parameter at its default (a part's own defaults).
    private static object Default(Type type)
    {
        var ctor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        return ctor.Invoke(ctor.GetParameters().Select(p => p.HasDefaultValue ? p.DefaultValue : throw new InvalidOperationException($"{type.Name}.{p.Name} has no default")).ToArray());
    }

    private List<(string What, ModelSpec Spec)> Compositions()
    {
        ModelSpec.EnsureRegistered();
        var bert = TinyBert();
        string graph = Write("graph.spo", "头\t类别\t部位\n咳嗽\t类别\t症状\n贫血\t类别\t疾病\n");
        var small = new CharInputSpec(8);
        var all = ModelPresets.Names.Select(name => (name, ModelPresets.Get(name) switch
        {
            TaggerSpec t => (ModelSpec)(t with { Chars = small }),
            BertTaggerSpec b => b with { Encoder = bert, LstmHidden = 8, Knowledge = b.Knowledge is null ? null : b.Knowledge with { Graph = graph } },
            BertSpanSpec s => s with { Encoder = bert },
            var other => other,
        })).ToList();
        foreach (var (name, type) in PartRegistry.Parts<EncoderSpec>())
            all.Add(($"encoder {name}", new TaggerSpec([new BiLstmSpec(8), (EncoderSpec)Default(type)], new CrfSpec(), Chars: small)));
        foreach (var (name, type) in PartRegistry.Parts<DecoderSpec>())
            all.Add(($"decoder {name}", new TaggerSpec([new BiLstmSpec(8)], (DecoderSpec)Default(type), Chars: small)));
        foreach (var (name, type) in PartRegistry.Parts<SpanScorerSpec>())
            all.Add(($"span scorer {name}", new BertSpanSpec(bert, (SpanScorerSpec)Default(type), Mrc: false)));
        return all;
    }

    [Fact]
    public void Every_registered_composition_survives_save_and_load_with_identical_predictions()
    {
        var docs = TinyCorpus.Documents;
        var compositions = Compositions();
        Assert.True(compositions.Count >= ModelPresets.Names.Count + 8, $"{compositions.Count} compositions");
        int spans = 0;
        foreach (var (what, spec) in compositions)
        {
            string folder = Path.Combine(Dir, what.Replace(' ', '_'));
            using var model = ModelBuilder.Build(spec, docs, seed: 1);
            Assert.Equal(spec.DisplayName, model.Kind);
            if (spec is BertTaggerSpec or BertSpanSpec)
            {
                // Through the interface, as the trainer asks: RecAdam's pretrained encoder, adversarial training's table.
                Assert.NotEmpty(model.PretrainedParameters);
                Assert.Single(model.InputEmbeddings);
            }
            model.Network.eval();
            var before = model.PredictWithConfidence(docs, 8);
            model.Save(folder);
            using var loaded = NerCheckpoint.Load(folder);
            loaded.Network.eval();
            var after = loaded.PredictWithConfidence(docs, 8);
            Assert.True(before.Select(p => p.Spans).SequenceEqual(after.Select(p => p.Spans), new SpansComparer()), $"{what}: other spans after the reload");
            Assert.Equal(before.Select(p => p.Confidence), after.Select(p => p.Confidence));   // the same numbers, not only the same decisions
            Assert.Equal(model.Kind, loaded.Kind);
            Assert.Equal(model.ConfigJson, loaded.ConfigJson);
            Assert.Equal(RunKey.WeightsFingerprint(model.Network), RunKey.WeightsFingerprint(loaded.Network));
            Assert.Equal(spec.ToJson(), ModelBuilder.SpecOf(folder)!.ToJson());
            spans += before.Sum(p => p.Spans.Count);
        }
        Assert.True(spans > 0, "no composition predicted a single span: the comparison would be empty");
    }

    [Fact]
    public void Every_preset_spec_round_trips_through_json()
    {
        foreach (string name in ModelPresets.Names)
        {
            string json = ModelPresets.Get(name).ToJson();
            Assert.Equal(json, ModelSpec.FromJson(json, name).ToJson());
            Assert.DoesNotContain("displayName", json, StringComparison.Ordinal);
        }
    }

    private sealed class SpansComparer : IEqualityComparer<IReadOnlyList<EntitySpan>>
    {
        public bool Equals(IReadOnlyList<EntitySpan>? x, IReadOnlyList<EntitySpan>? y) => x!.SequenceEqual(y!);

        public int GetHashCode(IReadOnlyList<EntitySpan> obj) => obj.Count;
    }
}
