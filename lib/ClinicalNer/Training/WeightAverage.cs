using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Training;

/// <summary>
/// An exponential moving average of a module's trainable parameters (Polyak averaging), updated after every optimizer
/// step and put in place of the raw weights while the model is evaluated and saved. Averaging smooths the last epochs'
/// noise, which matters when configurations differ by less than the spread between seeds. The decay starts low so the
/// first steps do not drag the random initialisation along: min(decay, (1 + n) / (10 + n)) after n updates.
/// </summary>
internal sealed class WeightAverage : IDisposable
{
    private const string UpdatesKey = "updates";
    private readonly List<(string Name, nn.Parameter Parameter)> parameters;
    private readonly Dictionary<string, Tensor> average;
    private readonly double decay;
    private long updates;

    /// <summary>Starts the average at the module's current trainable parameters.</summary>
    public WeightAverage(nn.Module module, double decay)
    {
        if (decay is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(decay), decay, "the averaging decay must lie in (0, 1), e.g. 0.999");
        this.decay = decay;
        parameters = module.named_parameters().Where(p => p.parameter.requires_grad).ToList();
        using var _ = no_grad();
        average = parameters.ToDictionary(p => p.Name, p => p.Parameter.detach().clone().DetachFromDisposeScope());
    }

    /// <summary>Updates after this many optimizer steps.</summary>
    public long Updates => updates;

    /// <summary>The decay the next update uses.</summary>
    public double CurrentDecay => Math.Min(decay, (1.0 + updates) / (10.0 + updates));

    /// <summary>Moves the average toward the current parameters: a ← a + (1 − d)(p − a).</summary>
    public void Update()
    {
        double weight = 1.0 - CurrentDecay;
        using var _ = no_grad();
        foreach (var (name, parameter) in parameters) average[name].lerp_(parameter, weight);
        updates++;
    }

    /// <summary>Puts the averaged weights into the module until the returned scope is disposed, which puts the raw ones back.</summary>
    public IDisposable Applied()
    {
        using var _ = no_grad();
        var raw = parameters.ToDictionary(p => p.Name, p => p.Parameter.detach().clone().DetachFromDisposeScope());
        foreach (var (name, parameter) in parameters) parameter.copy_(average[name]);
        return new RawWeights(parameters, raw);
    }

    /// <summary>Writes the average and its update count (for an exact resume).</summary>
    public void Save(string path)
    {
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>(average) { [UpdatesKey] = tensor(new[] { updates }) };
        safetensors.save(tensors, path);
    }

    /// <summary>Reads what <see cref="Save"/> wrote; the parameter names and shapes must be this module's.</summary>
    public void Load(string path)
    {
        using var scope = NewDisposeScope();
        var saved = safetensors.load(path);
        if (!saved.TryGetValue(UpdatesKey, out var count)) throw new InvalidDataException($"{path}: no '{UpdatesKey}' entry; not a weight average file");
        using var _ = no_grad();
        foreach (var (name, _) in parameters)
        {
            if (!saved.TryGetValue(name, out var value)) throw new InvalidDataException($"{path}: no average for parameter '{name}'");
            if (!value.shape.SequenceEqual(average[name].shape))
                throw new InvalidDataException($"{path}: parameter '{name}' has shape [{string.Join(", ", value.shape)}], the model's is [{string.Join(", ", average[name].shape)}]");
            average[name].copy_(value);
        }
        updates = count.item<long>();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var t in average.Values) t.Dispose();
        average.Clear();
    }

    private sealed class RawWeights(List<(string Name, nn.Parameter Parameter)> parameters, Dictionary<string, Tensor> raw) : IDisposable
    {
        public void Dispose()
        {
            using var _ = no_grad();
            foreach (var (name, parameter) in parameters) parameter.copy_(raw[name]);
            foreach (var t in raw.Values) t.Dispose();
        }
    }
}
