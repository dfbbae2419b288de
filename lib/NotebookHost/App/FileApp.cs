using System.Collections;
using System.Globalization;
using System.Runtime.CompilerServices;
using NotebookHost.Export;
using Plotly.NET;
using Reporting;

namespace NotebookHost.App;

/// <summary>
/// What a notebook exported by <c>lab export</c> (a .NET 10 file-based app, <c>dotnet run NB.cs -- name=value</c>) runs on in
/// place of the kernel: the notebook's folder as working directory (relative paths mean what they meant in the notebook),
/// the parameters cell's values from <c>name=value</c> arguments, and <c>display</c>, which prints values as text and writes
/// figures to files.
/// </summary>
public static class FileApp
{
    private static string figures = "figures";
    private static int figureCount;
    private static string[] arguments = [];

    /// <summary>
    /// Starts an exported notebook: checks its arguments against the parameters' names, moves to the notebook's folder and
    /// names the folder display writes figures into.
    /// </summary>
    /// <param name="args">The app's arguments: <c>name=value</c>, one per parameter to change.</param>
    /// <param name="parameters">The names of the parameters cell's variables.</param>
    /// <param name="notebookFolder">The notebook's folder, relative to the app's source file.</param>
    /// <param name="figuresFolder">Where displayed figures go, relative to the app's source file.</param>
    /// <param name="source">The app's source file (filled in by the compiler).</param>
    /// <exception cref="ArgumentException">For an argument that is not <c>name=value</c> of a known parameter.</exception>
    public static void Start(string[] args, IReadOnlyList<string> parameters, string notebookFolder, string figuresFolder, [CallerFilePath] string source = "")
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (string arg in args)
        {
            int eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !parameters.Contains(arg[..eq]))
                throw new ArgumentException($"'{arg}' is not NAME=VALUE of a parameter; the parameters are {string.Join(", ", parameters)}");
        }
        arguments = args;
        string here = Path.GetDirectoryName(source) is { Length: > 0 } dir ? dir : Directory.GetCurrentDirectory();
        figures = Path.GetFullPath(Path.Combine(here, figuresFolder));
        Directory.SetCurrentDirectory(Path.GetFullPath(Path.Combine(here, notebookFolder)));
    }

    /// <summary>The value of parameter <paramref name="name"/>: its <c>name=value</c> argument read as a <typeparamref name="T"/>, else <paramref name="current"/>.</summary>
    /// <exception cref="ArgumentException">For a value that is not a <typeparamref name="T"/>.</exception>
    public static T Parameter<T>(string name, T current)
    {
        string? given = arguments.LastOrDefault(a => a.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];
        if (given is null) return current;
        var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        try
        {
            bool nullable = !typeof(T).IsValueType || Nullable.GetUnderlyingType(typeof(T)) is not null;
            if (given == "null" && nullable) return default!;
            if (type == typeof(string)) return (T)(object)given;
            if (type.IsEnum) return (T)Enum.Parse(type, given, ignoreCase: true);
            return (T)Convert.ChangeType(given, type, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException or ArgumentException)
        {
            throw new ArgumentException($"parameter {name}: '{given}' is not a {type.Name}", e);
        }
    }

    /// <summary>
    /// What a notebook cell shows: a figure is written as HTML (and PNG where Chromium is installed) into the figures folder
    /// and its path printed; a sequence prints one item per line; anything else prints its display text.
    /// </summary>
    public static void display(object? value)
    {
        switch (value)
        {
            case GenericChart chart:
                string name = $"figure-{Interlocked.Increment(ref figureCount):D2}";
                var formats = File.Exists(FigureExport.ChromiumPath) ? new[] { "html", "png" } : ["html"];
                foreach (string path in FigureFiles.Save(chart, figures, name, formats)) Console.WriteLine($"figure: {path}");
                break;
            case string text:
                Console.WriteLine(text);
                break;
            case Microsoft.Data.Analysis.DataFrame frame:
                Console.WriteLine(frame.ToText());   // as the notebook's plain-text output shows it
                break;
            case IEnumerable items when DisplayAdapters.For(value) is null && value is not IDictionary && value.GetType().Namespace?.StartsWith("System", StringComparison.Ordinal) == true:
                foreach (object? item in items) Console.WriteLine(DisplayAdapters.Text(item));
                break;
            default:
                Console.WriteLine(DisplayAdapters.Text(value));
                break;
        }
    }
}
