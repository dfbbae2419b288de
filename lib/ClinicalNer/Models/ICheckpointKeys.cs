namespace ClinicalNer.Models;

/// <summary>
/// A model whose parameter names changed: <see cref="UpgradeKey"/> maps a name from an older checkpoint to today's (and
/// returns today's names unchanged), so checkpoints written before a refactoring still load.
/// </summary>
public interface ICheckpointKeys
{
    /// <summary>Today's name of <paramref name="key"/>.</summary>
    string UpgradeKey(string key);
}
