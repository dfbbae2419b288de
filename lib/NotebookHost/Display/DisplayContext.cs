namespace NotebookHost.Display;

/// <summary>Where displayed values go: the runner writes them into the notebook, the kernel will publish them.</summary>
public interface IDisplaySink
{
    /// <summary>Shows a bundle; <paramref name="displayId"/> names it for later updates.</summary>
    void Display(IReadOnlyDictionary<string, object> bundle, string displayId);

    /// <summary>Replaces what was shown under <paramref name="displayId"/>.</summary>
    void Update(IReadOnlyDictionary<string, object> bundle, string displayId);
}

/// <summary>A value shown in a notebook that can be replaced in place (progress bars, live curves).</summary>
public sealed class DisplayHandle
{
    private readonly IDisplaySink sink;

    internal DisplayHandle(IDisplaySink sink, string id)
    {
        this.sink = sink;
        Id = id;
    }

    /// <summary>The display id.</summary>
    public string Id { get; }

    /// <summary>Replaces the shown value.</summary>
    public void Update(object? value) => sink.Update(MimeBundle.Of(value), Id);
}

/// <summary>
/// The sink of the cell being executed, and <c>display(x)</c> / <c>x.Display()</c> for notebook code.
/// Outside a notebook (a plain program) displays go to the console as text.
/// </summary>
public static class DisplayContext
{
    private static readonly AsyncLocal<IDisplaySink?> current = new();

    /// <summary>The active sink (null outside notebooks).</summary>
    public static IDisplaySink? Current
    {
        get => current.Value;
        set => current.Value = value;
    }

    /// <summary>Shows a value and returns a handle to update it.</summary>
    public static DisplayHandle Show(object? value)
    {
        var bundle = MimeBundle.Of(value);
        string id = Guid.NewGuid().ToString("N");
        IDisplaySink sink = Current ?? ConsoleSink.Instance;
        sink.Display(bundle, id);
        return new DisplayHandle(sink, id);
    }

    /// <summary>Shows <paramref name="value"/> in the notebook: <c>report.Display()</c>.</summary>
    public static DisplayHandle Display(this object? value) => Show(value);

    private sealed class ConsoleSink : IDisplaySink
    {
        public static readonly ConsoleSink Instance = new();
        public void Display(IReadOnlyDictionary<string, object> bundle, string displayId) => Console.WriteLine(bundle.TryGetValue(MimeBundle.Text, out object? t) ? t : "");
        public void Update(IReadOnlyDictionary<string, object> bundle, string displayId) => Display(bundle, displayId);
    }
}
