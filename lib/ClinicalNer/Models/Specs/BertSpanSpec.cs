using ClinicalNer.Models.Bert;
using ClinicalNer.Models.Parts;
using ClinicalNer.Text;

namespace ClinicalNer.Models.Specs;

/// <summary>
/// Paper 5's span models (registered as "bert-span"): a BERT encoder, optionally reading one natural-language query per
/// entity type (MRC), and a span scorer part (the biaffine scorer, the MRC pointer, or one's own).
/// </summary>
/// <param name="Encoder">The BERT encoder.</param>
/// <param name="Scorer">The span scorer.</param>
/// <param name="Mrc">Read one query per type ([CLS] query [SEP] context [SEP]); false: one pass scoring every type ("−MRC").</param>
/// <param name="Queries">The queries by type (null: <see cref="BertSpanModel.DefaultQueries"/>; a type without one asks its own name).</param>
/// <param name="Dropout">Dropout on the encoder's output (null: the config's default).</param>
/// <param name="SeparateQuery">Encode the question apart from the sentence and let the sentence attend to it (paper 5's eqs. 2-3);
/// false: one sequence, [CLS] query [SEP] context [SEP] (the joint encoding).</param>
public sealed record BertSpanSpec(BertEncoderSpec Encoder, SpanScorerSpec Scorer, bool Mrc = true, IReadOnlyDictionary<string, string>? Queries = null,
    double? Dropout = null, bool SeparateQuery = false) : ModelSpec
{
    /// <inheritdoc/>
    public override string DisplayName => "BERT" + (Mrc ? "-MRC" : "") + "-" + (Scorer ?? new BiaffineSpec()).DisplayName + (Mrc && SeparateQuery ? " (question apart)" : "");

    /// <inheritdoc/>
    protected internal override INerModel Create(ModelContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Scorer is null) throw new ArgumentException("the span model spec names no scorer (e.g. {\"type\": \"biaffine\"})");
        var log = context.Log ?? TextWriter.Null;
        var (bert, vocab, folder) = (Encoder ?? new BertEncoderSpec()).Resolve();
        var model = BertSpanModel.Create(context.Train, BertCheckpoint.Tokenizer(vocab, folder), bert, folder, Mrc ? Queries ?? BertSpanModel.DefaultQueries : null,
            c => c with { Dropout = Dropout ?? c.Dropout, ScorerPart = Scorer, SeparateQuery = SeparateQuery }, context.Seed);
        log.WriteLine($"{model.Kind}: types {string.Join(", ", model.SpanNetwork.Config.Types)}{(model.SpanNetwork.Config.Nested ? " (nested spans kept)" : "")}; " +
                      (folder is null ? "BERT encoder: random initialisation" : $"BERT encoder: weights from {folder}"));
        return model;
    }
}
