using System.CommandLine;
using ClinicalNer.Models.Bert;
using ClinicalNer.Models.Parts;
using ClinicalNer.Models.Specs;
using ClinicalNer.Text;

namespace Cli.Commands;

/// <summary>
/// <c>lab train</c>'s shorthand options as edits of the model spec: each one the user gave sets its field (a default never
/// overrides a spec file), and one that does not fit the spec's family is refused by name.
/// </summary>
internal static partial class TrainCommand
{
    private static ModelSpec ApplyShorthands(ParseResult r, ModelSpec spec)
    {
        bool G(Option o) => Given(r, o);
        Refuse(r, spec, spec is not TaggerSpec, "the BiLSTM-CRF family (--model bilstm-crf and the like)",
            Emb, Hidden, Layers, PretrainedChars, Lexicon, WordEmb, BigramMinCount, BigramEmb, PretrainedBigrams, Dictionary, DictEmb, SoftLexiconFiles,
            SoftLexiconEmb, PretrainedWords, BiLm, BertFeatures);
        Refuse(r, spec, spec is not (BertTaggerSpec or BertSpanSpec), "BERT models", Bert, BertSize, Vocab);
        Refuse(r, spec, spec is not BertTaggerSpec, "BERT taggers", LstmHidden);
        Refuse(r, spec, spec is not BertTaggerSpec { Knowledge: not null }, "the kbert-* models", Kg, KgObjects, KgNoMask, KgHardPositions, KgNoInjection);
        Refuse(r, spec, spec is BertSpanSpec or FeatureCrfSpec, "the taggers that take a tag scheme", Scheme);
        Refuse(r, spec, spec is FeatureCrfSpec, "neural models", Dropout);
        var scheme = G(Scheme) ? Enum.Parse<TagScheme>(r.GetValue(Scheme)!, ignoreCase: true) : (TagScheme?)null;
        return spec switch
        {
            TaggerSpec t => Tagger(r, t, scheme),
            BertTaggerSpec b => b with
            {
                Encoder = Encoder(r, b.Encoder), Scheme = scheme ?? b.Scheme, LstmHidden = G(LstmHidden) ? r.GetValue(LstmHidden) : b.LstmHidden,
                Dropout = G(Dropout) ? r.GetValue(Dropout) : b.Dropout,
                Knowledge = b.Knowledge is null ? null : b.Knowledge with
                {
                    Graph = r.GetValue(Kg) ?? b.Knowledge.Graph, Objects = G(KgObjects) ? r.GetValue(KgObjects) : b.Knowledge.Objects,
                    VisibleMatrix = b.Knowledge.VisibleMatrix && !r.GetValue(KgNoMask), SoftPositions = b.Knowledge.SoftPositions && !r.GetValue(KgHardPositions),
                    Inject = b.Knowledge.Inject && !r.GetValue(KgNoInjection),
                },
            },
            BertSpanSpec m => m with { Encoder = Encoder(r, m.Encoder), Dropout = G(Dropout) ? r.GetValue(Dropout) : m.Dropout },
            _ => spec,
        };
    }

    // The BiLSTM-CRF family's inputs, sizes and dropout.
    private static TaggerSpec Tagger(ParseResult r, TaggerSpec t, TagScheme? scheme)
    {
        bool G(Option o) => Given(r, o);
        var chars = t.Chars ?? new CharInputSpec();
        chars = chars with { Dim = G(Emb) ? r.GetValue(Emb) : chars.Dim, Vectors = r.GetValue(PretrainedChars) ?? chars.Vectors };
        var encoders = t.Encoders;
        if (G(Hidden) || G(Layers))
        {
            // --hidden and --layers size the first recurrent encoder (paper 2's stacked 128/64 sets the second with --set).
            int first = encoders.ToList().FindIndex(e => e is BiLstmSpec or BiGruSpec);
            if (first < 0) throw new ArgumentException($"--hidden and --layers size a BiLSTM or BiGRU encoder; {t.DisplayName} has none (use --set encoders.N.FIELD=VALUE)");
            var list = encoders.ToList();
            list[first] = list[first] switch
            {
                BiLstmSpec l => l with { Hidden = G(Hidden) ? r.GetValue(Hidden) : l.Hidden, Layers = G(Layers) ? r.GetValue(Layers) : l.Layers },
                BiGruSpec g => g with { Hidden = G(Hidden) ? r.GetValue(Hidden) : g.Hidden, Layers = G(Layers) ? r.GetValue(Layers) : g.Layers },
                var other => other,
            };
            encoders = list;
        }
        var bigrams = t.Bigrams;
        if (G(BigramMinCount)) bigrams = r.GetValue(BigramMinCount) == 0 ? null : (bigrams ?? new BigramInputSpec()) with { MinCount = r.GetValue(BigramMinCount) };
        if (bigrams is not null && (G(BigramEmb) || G(PretrainedBigrams)))
            bigrams = bigrams with { Dim = G(BigramEmb) ? r.GetValue(BigramEmb) : bigrams.Dim, Vectors = r.GetValue(PretrainedBigrams) ?? bigrams.Vectors };
        else if (bigrams is null && G(PretrainedBigrams)) throw new ArgumentException("--pretrained-bigrams needs bigram features: add --bigram-min-count N");
        var words = t.Words;
        if (r.GetValue(Lexicon) is { Length: > 0 } lexicons) words = new WordInputSpec(lexicons, words?.Dim ?? r.GetValue(WordEmb));
        if (words is not null && G(WordEmb)) words = words with { Dim = r.GetValue(WordEmb) };
        var dictionary = t.Dictionary;
        if (r.GetValue(Dictionary) is { Length: > 0 } typed)
            dictionary = new DictionaryInputSpec(typed.Select(x => x.Split('=', 2)).GroupBy(x => x[0], StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(x => x[1]).ToList(), StringComparer.Ordinal), dictionary?.Dim ?? r.GetValue(DictEmb));
        if (dictionary is not null && G(DictEmb)) dictionary = dictionary with { Dim = r.GetValue(DictEmb) };
        var soft = t.SoftLexicon;
        if (r.GetValue(SoftLexiconFiles) is { Length: > 0 } softFiles) soft = new SoftLexiconInputSpec(softFiles, soft?.Dim ?? r.GetValue(SoftLexiconEmb));
        if (soft is not null && G(SoftLexiconEmb)) soft = soft with { Dim = r.GetValue(SoftLexiconEmb) };
        var features = (t.Features ?? []).ToList();
        if (r.GetValue(BiLm) is { } bilm) features.Add(new FeatureInputSpec("bilm", bilm));
        if (r.GetValue(BertFeatures) is { } bert) features.Add(new FeatureInputSpec("bert", bert));
        return t with
        {
            Chars = chars, Encoders = encoders, Bigrams = bigrams, Words = words, Dictionary = dictionary, SoftLexicon = soft,
            WordVectors = r.GetValue(PretrainedWords) ?? t.WordVectors, Features = features.Count == 0 ? t.Features : features,
            Scheme = scheme ?? t.Scheme, Dropout = G(Dropout) ? r.GetValue(Dropout)!.Value : t.Dropout,
        };
    }

    // --bert DIR, or --bert-size SIZE with --vocab.
    private static BertEncoderSpec Encoder(ParseResult r, BertEncoderSpec? encoder)
    {
        encoder ??= new BertEncoderSpec();
        if (r.GetValue(Bert) is { } folder) encoder = encoder with { Checkpoint = folder };
        if (Given(r, BertSize)) encoder = encoder with { Size = r.GetValue(BertSize)!, Checkpoint = r.GetValue(Bert) };
        if (r.GetValue(Vocab) is { } vocab) encoder = encoder with { Vocab = vocab };
        return encoder;
    }

    // An option given for a spec it does not describe is an error naming both.
    private static void Refuse(ParseResult r, ModelSpec spec, bool misfit, string forWhom, params Option[] options)
    {
        if (!misfit) return;
        if (options.FirstOrDefault(o => Given(r, o)) is { } given)
            throw new ArgumentException($"{given.Name} is for {forWhom}, not for {spec.DisplayName}");
    }
}
