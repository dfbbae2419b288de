using ClinicalNer.Models.Bert;

namespace ClinicalNer.Training;

/// <summary>The BERT encoder a notebook fine-tunes or takes features from, and the line that says which one and why.</summary>
/// <param name="Dir">The encoder's folder, or null when there is none to take.</param>
/// <param name="Notice">Which folder was taken (and how far its pretraining got), or why none was.</param>
public sealed record PretrainedEncoder(string? Dir, string Notice)
{
    /// <summary>
    /// The encoder of a run: <paramref name="given"/> when a folder is named (a Hugging Face folder or a pretraining of
    /// one's own, taken as it is), else the pretraining in <paramref name="defaultDir"/> only when it finished all its steps
    /// (its <see cref="BertPretrainer.CompleteFile"/>); a pretraining that stopped part-way is named and not taken.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">When <paramref name="given"/> is not a BERT folder.</exception>
    public static PretrainedEncoder Find(string? given, string defaultDir)
    {
        ArgumentException.ThrowIfNullOrEmpty(defaultDir);
        if (given is { Length: > 0 })
        {
            if (!File.Exists(Path.Combine(given, BertCheckpoint.ConfigFile)))
                throw new DirectoryNotFoundException($"bertDir {Path.GetFullPath(given)} holds no {BertCheckpoint.ConfigFile}: give a BERT folder (config.json, vocab.txt, weights)");
            string progress = BertPretrainer.Progress(given) is { Complete: false } p ? $" (its pretraining stopped at step {p.Step:N0} of {p.Steps:N0})" : "";
            return new(given, $"BERT: {Path.GetFullPath(given)}, as given{progress}");
        }
        string full = Path.GetFullPath(defaultDir);
        return BertPretrainer.Progress(defaultDir) switch
        {
            { Complete: true } p => new(defaultDir, $"BERT: {full}, a finished pretraining ({p.Step:N0} steps)"),
            { } p => new(null, $"BERT: none taken; the pretraining in {full} stopped at step {p.Step:N0} of {p.Steps:N0} "
                               + "(run notebook 01 again to finish it, or give bertDir)"),
            null => new(null, $"BERT: none taken; no pretraining in {full} (run notebook 01, or give bertDir)"),
        };
    }
}
