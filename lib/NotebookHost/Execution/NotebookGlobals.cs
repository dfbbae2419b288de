using NotebookHost.Display;

namespace NotebookHost.Execution;

/// <summary>Members every notebook cell sees directly: <c>display(x)</c>, <c>NotebookPath</c>.</summary>
public class NotebookGlobals
{
    /// <summary>The notebook file being run.</summary>
    public string NotebookPath { get; init; } = "";

    /// <summary>The folder of the notebook (relative paths in cells resolve against it).</summary>
    public string NotebookDirectory => Path.GetDirectoryName(Path.GetFullPath(NotebookPath)) ?? ".";

    /// <summary>Shows a value; the returned handle updates it in place.</summary>
#pragma warning disable CA1822 // Roslyn exposes only instance members of the globals object to scripts.
    public DisplayHandle display(object? value) => DisplayContext.Show(value);
#pragma warning restore CA1822
}
