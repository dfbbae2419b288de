using ClinicalNer.Data.Readers;
using ClinicalNer.Models.Bert;
using ClinicalNer.Text;

namespace ClinicalNer.Models.Specs;

/// <summary>
/// BERT taggers (registered as "bert-tagger"): a BERT encoder and a head (softmax, CRF or BiLSTM-CRF), and with
/// <paramref name="Knowledge"/> K-BERT's injection of a knowledge graph (paper 3).
/// </summary>
/// <param name="Encoder">The BERT encoder.</param>
/// <param name="Head">The head over the word pieces.</param>
/// <param name="Scheme">The tag scheme.</param>
/// <param name="LstmHidden">The BiLSTM-CRF head's hidden size per direction.</param>
/// <param name="Dropout">Dropout before the head (null: the config's default).</param>
/// <param name="Knowledge">K-BERT's injection, or null for a plain BERT tagger.</param>
public sealed record BertTaggerSpec(BertEncoderSpec Encoder, BertHead Head = BertHead.BiLstmCrf, TagScheme Scheme = TagScheme.BIO, int LstmHidden = 128,
    double? Dropout = null, KnowledgeSpec? Knowledge = null) : ModelSpec
{
    /// <inheritdoc/>
    public override string DisplayName => (Knowledge is null ? "" : "K-") + Head switch { BertHead.Softmax => "BERT-Softmax", BertHead.Crf => "BERT-CRF", _ => "BERT-BiLSTM-CRF" };

    /// <inheritdoc/>
    protected internal override INerModel Create(ModelContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var log = context.Log ?? TextWriter.Null;
        var (bert, vocab, folder) = (Encoder ?? new BertEncoderSpec()).Resolve();
        List<Data.Triple>? graph = null;
        if (Knowledge is not null)
        {
            if (string.IsNullOrEmpty(Knowledge.Graph)) throw new ArgumentException($"{DisplayName} injects a knowledge graph: give --kg FILE (or set knowledge.graph in its spec)");
            graph = LexiconReader.ReadTriples(Knowledge.Graph);
            log.WriteLine($"knowledge graph: {graph.Count:N0} triples from {Knowledge.Graph}; {Knowledge.Options}");
        }
        var model = BertTaggerModel.Create(context.Train, BertCheckpoint.Tokenizer(vocab, folder), bert, folder, Head, Scheme,
            c => c with { LstmHidden = LstmHidden, Dropout = Dropout ?? c.Dropout }, context.Seed, graph, Knowledge?.Options);
        log.WriteLine(folder is null ? "BERT encoder: random initialisation" : $"BERT encoder: weights from {folder}");
        return model;
    }
}
