using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Models;

/// <summary>The convention every model here follows for weight decay: none on biases, normalisation layers and CRF transitions.</summary>
public static class WeightDecayGroups
{
    /// <summary>Whether a parameter of this dotted name is exempt from weight decay.</summary>
    public static bool IsExempt(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.EndsWith("bias", StringComparison.Ordinal) || name.Contains("bias_", StringComparison.Ordinal)
            || name.Contains("norm.", StringComparison.Ordinal) || name.Contains("LayerNorm", StringComparison.Ordinal)
            || name.StartsWith("crf.", StringComparison.Ordinal);
    }

    /// <summary>
    /// A model with a pretrained encoder (parameter names under <paramref name="encoderPrefix"/>, e.g. "bert."): the encoder's
    /// two groups at <paramref name="learningRate"/>, then the new head's two at <paramref name="headLearningRate"/> (null = the same).
    /// </summary>
    public static IEnumerable<optim.ParamGroup> EncoderAndHead(IEnumerable<(string name, nn.Parameter parameter)> named, string encoderPrefix,
        double learningRate, double weightDecay, double? headLearningRate)
    {
        ArgumentNullException.ThrowIfNull(named);
        var list = named.ToList();
        bool InEncoder(string n) => n.StartsWith(encoderPrefix, StringComparison.Ordinal);
        return Split(list.Where(p => InEncoder(p.name)), learningRate, weightDecay)
            .Concat(Split(list.Where(p => !InEncoder(p.name)), headLearningRate ?? learningRate, weightDecay));
    }

    /// <summary>Two groups at one learning rate: decayed parameters, and the exempt ones with decay 0.</summary>
    public static IEnumerable<optim.ParamGroup> Split(IEnumerable<(string name, nn.Parameter parameter)> named, double learningRate, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(named);
        var list = named.ToList();
        yield return new optim.ParamGroup(list.Where(p => !IsExempt(p.name)).Select(p => p.parameter), learningRate, weightDecay);
        yield return new optim.ParamGroup(list.Where(p => IsExempt(p.name)).Select(p => p.parameter), learningRate, 0.0);
    }
}
