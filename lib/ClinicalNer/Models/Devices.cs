using System.Text.Json;
using System.Text.Json.Serialization;
using TorchBinding;
using static TorchBinding.torch;

namespace ClinicalNer.Models;

/// <summary>
/// Where models and their batches live. Batches are built on the host and moved to the device of the module that
/// consumes them (pinned memory and a non-blocking copy for a GPU, so the copy overlaps with queued kernels); a model's
/// device is the device of its parameters, so moving the model is the only choice a caller makes.
/// </summary>
public static class Devices
{
    /// <summary>The device a module's parameters live on (the CPU for a module without parameters).</summary>
    public static Device Of(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        foreach (var p in module.parameters()) return p.device;
        return CPU;
    }

    /// <summary>
    /// Whether bfloat16 autocast runs fast on <paramref name="device"/>: CUDA, or a CPU with AVX512_BF16 or AMX (elsewhere a
    /// CPU would emulate it, slower than float32, and the trainer refuses it).
    /// </summary>
    public static bool Bf16IsFast(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return device.type == DeviceType.CUDA || cpu_has_bf16();
    }

    /// <summary>
    /// "auto" (or null): CUDA when this libtorch has it and a GPU is visible, else the CPU; otherwise "cpu", "cuda", "cuda:N"
    /// or "meta", checked against what this libtorch can use.
    /// </summary>
    /// <exception cref="ArgumentException">For an unknown spelling, or a CUDA device this build or machine does not have (named).</exception>
    public static Device Resolve(string? spec)
    {
        if (spec is null || spec.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase)) return cuda.is_available() ? CUDA : CPU;
        Device device = torch.device(spec);
        if (device.type == DeviceType.CUDA)
        {
            if (!cuda.is_available())
                throw new ArgumentException($"device '{spec}': this libtorch has no CUDA or sees no GPU (`./lab info` shows what it has; " +
                    "environment.md says how to build against a CUDA PyTorch)", nameof(spec));
            if (device.index >= cuda.device_count())
                throw new ArgumentException($"device '{spec}': only {cuda.device_count()} GPU(s) are visible (cuda:0 ... cuda:{cuda.device_count() - 1})", nameof(spec));
        }
        return device;
    }

    /// <summary>
    /// A host tensor on <paramref name="device"/>: the same tensor (a new handle) when it is already there; through pinned
    /// memory and a non-blocking copy to a GPU (libtorch keeps the pinned block until the copy has run).
    /// </summary>
    public static Tensor Move(Tensor tensor, Device device)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(device);
        if (device.type == DeviceType.CUDA && tensor.device_type == DeviceType.CPU)
        {
            using var pinned = tensor.pin_memory();
            return pinned.to(null, device, non_blocking: true);
        }
        return tensor.to(device);
    }

    /// <summary><see cref="Move"/> for an optional tensor.</summary>
    public static Tensor? MoveOptional(Tensor? tensor, Device device) => tensor is null ? null : Move(tensor, device);
}

/// <summary>A device in JSON as PyTorch spells it ("cpu", "cuda:0"), for options recorded in the run store.</summary>
public sealed class DeviceJsonConverter : JsonConverter<Device>
{
    /// <inheritdoc/>
    public override Device Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        device(reader.GetString() ?? throw new JsonException("a device must be a string such as \"cpu\" or \"cuda:0\""));

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, Device value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
