namespace TorchBinding;

/// <summary>
/// An error raised inside libtorch (a bad shape, a wrong dtype, an index out of range, ...).
/// The message is libtorch's own, without its C++ backtrace.
/// </summary>
public sealed class TorchException : Exception
{
    /// <summary>Creates the exception with libtorch's message.</summary>
    public TorchException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public TorchException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates an exception with no message.</summary>
    public TorchException() { }
}
