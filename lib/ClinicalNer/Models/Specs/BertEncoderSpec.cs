using ClinicalNer.Models.Bert;

namespace ClinicalNer.Models.Specs;

/// <summary>
/// The BERT encoder of a BERT tagger or span model: weights from a checkpoint folder (a pretraining checkpoint or a Hugging
/// Face folder with config.json and vocab.txt), or a randomly initialised encoder of a named size with a vocabulary.
/// </summary>
/// <param name="Checkpoint">The folder the encoder's sizes, vocabulary and weights come from; null for a random encoder.</param>
/// <param name="Size">Without a checkpoint: "tiny", "small" or "base".</param>
/// <param name="Vocab">The WordPiece vocab.txt (default: the checkpoint's).</param>
/// <param name="Config">Without a checkpoint: the encoder's sizes themselves, in place of <paramref name="Size"/>.</param>
public sealed record BertEncoderSpec(string? Checkpoint = null, string Size = "small", string? Vocab = null, BertConfig? Config = null)
{
    /// <summary>The encoder's sizes, the vocabulary file and the weights folder (null: random).</summary>
    /// <exception cref="ArgumentException">Neither a checkpoint nor a vocabulary.</exception>
    public (BertConfig Config, string Vocab, string? Folder) Resolve()
    {
        if (Checkpoint is not null)
            return (BertConfig.Load(Path.Combine(Checkpoint, BertCheckpoint.ConfigFile)), Vocab ?? Path.Combine(Checkpoint, BertCheckpoint.VocabFile), Checkpoint);
        string vocab = Vocab ?? throw new ArgumentException("a BERT encoder needs a checkpoint folder (encoder.checkpoint, lab train --bert DIR), or a size with a vocab file (--bert-size SIZE --vocab vocab.txt)");
        return (Config ?? BertConfig.Preset(Size), vocab, null);
    }
}

/// <summary>K-BERT's knowledge injection (paper 3), with a switch per ablation.</summary>
/// <param name="Graph">The knowledge graph: subject&lt;TAB&gt;relation&lt;TAB&gt;object lines (e.g. kbert/kgs/Medical.spo).</param>
/// <param name="Objects">Objects injected after each matched entity.</param>
/// <param name="VisibleMatrix">Restrict attention to the sentence tree (false: "−MASK").</param>
/// <param name="SoftPositions">Soft positions (false: "−POS").</param>
/// <param name="Inject">Inject at all (false: "−KG").</param>
public sealed record KnowledgeSpec(string Graph, int Objects = 2, bool VisibleMatrix = true, bool SoftPositions = true, bool Inject = true)
{
    /// <summary>The injector's options.</summary>
    public KnowledgeInjectionOptions Options => new(Objects, VisibleMatrix, SoftPositions, Inject);
}
