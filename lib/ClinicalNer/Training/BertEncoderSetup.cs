using ClinicalNer.Data;
using ClinicalNer.Models.Bert;
using ClinicalNer.Models.Specs;
using ClinicalNer.Text;

namespace ClinicalNer.Training;

/// <summary>
/// The BERT encoder of a notebook's runs, as a spec: the pretrained one (<see cref="PretrainedEncoder"/>), or without one
/// a random encoder over a vocabulary (the given one, bert-base-chinese's from the data roots in a default run, or, in a
/// smoke run, the characters of its texts, written beside the runs): a tiny one for smoke runs, BERT-small otherwise.
/// </summary>
/// <param name="Spec">The encoder spec the models are built from.</param>
/// <param name="Tokenizer">Its WordPiece tokenizer.</param>
/// <param name="Config">Its sizes.</param>
/// <param name="Notice">Which encoder, and why.</param>
public sealed record BertEncoderSetup(BertEncoderSpec Spec, WordPieceTokenizer Tokenizer, BertConfig Config, string Notice)
{
    /// <summary>The tiny encoder of smoke runs.</summary>
    public static BertConfig SmokeConfig { get; } = BertConfig.Tiny with { HiddenSize = 32, Heads = 2, IntermediateSize = 64 };

    /// <summary>The encoder for <paramref name="encoder"/>; <paramref name="texts"/> make the vocabulary of a smoke run without one.</summary>
    /// <exception cref="DirectoryNotFoundException">In a default run without an encoder, a vocabulary or bert-base-chinese's.</exception>
    public static BertEncoderSetup For(PretrainedEncoder encoder, string? vocabPath, bool smoke, IEnumerable<string> texts, string runsDir)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(texts);
        if (encoder.Dir is { } dir)
        {
            var config = BertConfig.Load(Path.Combine(dir, BertCheckpoint.ConfigFile));
            var tokenizer = WordPieceTokenizer.FromFile(Path.Combine(dir, BertCheckpoint.VocabFile));
            return new(new BertEncoderSpec(Checkpoint: dir, Vocab: Path.Combine(dir, BertCheckpoint.VocabFile)), tokenizer, config,
                $"{encoder.Notice}; {config.Layers} x {config.HiddenSize}");
        }
        string? vocab = vocabPath ?? (smoke ? null : DataPaths.Require("kbert/models/google_vocab.txt").Path);
        WordPieceTokenizer words;
        if (vocab is null)
        {
            words = WordPieceTokenizer.OfCharacters(texts);
            Directory.CreateDirectory(runsDir);
            vocab = Path.Combine(runsDir, "vocab.txt");
            words.Save(vocab);   // the specs name it by file
        }
        else words = WordPieceTokenizer.FromFile(vocab);
        var random = (smoke ? SmokeConfig : BertConfig.Small) with { VocabSize = words.VocabularySize };
        return new(new BertEncoderSpec(Vocab: vocab, Config: random), words, random,
            $"{encoder.Notice}; a random encoder, {random.Layers} x {random.HiddenSize}, over {vocab}");
    }
}
