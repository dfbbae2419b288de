namespace ClinicalNer.Training;

/// <summary>Opens any tagger checkpoint the trainer writes, whatever the model family.</summary>
public static class NerCheckpoint
{
    /// <summary>Loads a BERT tagger (bert-tagger.json) or a BiLSTM-CRF-family tagger (tagger.json).</summary>
    /// <exception cref="DirectoryNotFoundException">When the folder does not exist.</exception>
    public static INerModel Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"checkpoint folder {directory} does not exist");
        return BertTaggerModel.IsCheckpoint(directory) ? BertTaggerModel.Load(directory) : TaggerModel.Load(directory);
    }
}
