using System.Globalization;

namespace TorchBinding;

public static partial class torch
{
    /// <summary>Kinds of device; values are libtorch's <c>c10::DeviceType</c> codes.</summary>
    public enum DeviceType
    {
        /// <summary>The host processor.</summary>
        CPU = 0,
        /// <summary>An NVIDIA GPU.</summary>
        CUDA = 1,
        /// <summary>
        /// Tensors with shapes and types but no data, in every build (CPU-only too): moving models and batches there shows
        /// where each tensor went without a GPU. Operations with a meta kernel compute shapes only; libtorch 1.13's C++ lacks
        /// some (index_select, dropout, where), which only Python registers.
        /// </summary>
        Meta = 14,
    }

    /// <summary>A device, as <c>torch.device("cuda:0")</c>.</summary>
    public sealed record Device(DeviceType type, int index = -1)
    {
        /// <summary>"cpu", "cuda" or "cuda:1", as PyTorch prints it.</summary>
        public override string ToString() =>
            (type switch { DeviceType.CPU => "cpu", DeviceType.CUDA => "cuda", _ => "meta" }) + (index >= 0 ? ":" + index.ToString(CultureInfo.InvariantCulture) : "");
    }

    /// <summary>The CPU device.</summary>
    public static Device CPU { get; } = new(DeviceType.CPU);

    /// <summary>The current CUDA device.</summary>
    public static Device CUDA { get; } = new(DeviceType.CUDA);

    /// <summary>The data-less device (see <see cref="DeviceType.Meta"/>).</summary>
    public static Device META { get; } = new(DeviceType.Meta);

    /// <summary>Parses "cpu", "cuda", "cuda:N" or "meta".</summary>
    /// <exception cref="ArgumentException">For any other spelling.</exception>
    public static Device device(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string[] parts = spec.Trim().ToLowerInvariant().Split(':');
        DeviceType type = parts[0] switch
        {
            "cpu" => DeviceType.CPU,
            "cuda" => DeviceType.CUDA,
            "meta" => DeviceType.Meta,
            _ => throw new ArgumentException($"unknown device '{spec}': expected cpu, cuda, cuda:N or meta", nameof(spec)),
        };
        if (parts.Length == 1) return new Device(type);
        if (parts.Length == 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            return new Device(type, index);
        throw new ArgumentException($"unknown device '{spec}': expected cpu, cuda, cuda:N or meta", nameof(spec));
    }
}
