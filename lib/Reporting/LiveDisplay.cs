namespace Reporting;

/// <summary>A value that renders itself as HTML (notebooks) and as text (consoles, headless outputs).</summary>
public interface IDisplayReport
{
    /// <summary>The HTML rendering.</summary>
    string ToHtml();

    /// <summary>The text rendering.</summary>
    string ToText();
}

/// <summary>One line of progress text (shown as preformatted HTML and as plain text).</summary>
/// <param name="Text">The line.</param>
public sealed record ProgressLine(string Text) : IDisplayReport
{
    /// <inheritdoc/>
    public string ToHtml() => $"<pre style=\"margin:0\">{System.Net.WebUtility.HtmlEncode(Text)}</pre>";

    /// <inheritdoc/>
    public string ToText() => Text;

    /// <inheritdoc/>
    public override string ToString() => Text;
}

/// <summary>A shown value that can be replaced in place.</summary>
public interface ILiveHandle
{
    /// <summary>Replaces the shown value.</summary>
    void Update(object? value);
}

/// <summary>Where live values go: a notebook output updated in place, or (by default) the console.</summary>
public interface ILiveSink
{
    /// <summary>Shows a value and returns its handle.</summary>
    ILiveHandle Show(object? value);
}

/// <summary>
/// Live displays for long work (progress lines, curves redrawn after each epoch) that library code can show without
/// knowing where it runs: the notebook host installs its sink (<c>Lab.Start()</c>); elsewhere values are printed.
/// </summary>
public static class Live
{
    private static ILiveSink sink = ConsoleSink.Instance;

    /// <summary>The sink in use (the console unless a host installed another).</summary>
    public static ILiveSink Sink
    {
        get => Volatile.Read(ref sink);
        set => Volatile.Write(ref sink, value ?? ConsoleSink.Instance);
    }

    /// <summary>Shows <paramref name="value"/> and returns a handle to replace it.</summary>
    public static ILiveHandle Show(object? value) => Sink.Show(value);

    private sealed class ConsoleSink : ILiveSink, ILiveHandle
    {
        public static readonly ConsoleSink Instance = new();

        public ILiveHandle Show(object? value)
        {
            Update(value);
            return this;
        }

        // A live chart has no text form worth a line per update (its final state is displayed where it matters).
        public void Update(object? value)
        {
            if (value is not Plotly.NET.GenericChart) Console.WriteLine(DisplayAdapters.Text(value));
        }
    }
}
