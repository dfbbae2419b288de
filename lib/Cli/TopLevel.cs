using System.CommandLine;
using Cli.Commands;
using ClinicalNer.Data.Readers;

namespace Cli;

/// <summary>
/// Parsing and the one place exceptions end: a usage or input error is one line naming the command and what was wrong
/// (exit 2); a failed run is one line too (exit 1); stack traces only with <c>--verbose</c>.
/// </summary>
internal static class TopLevel
{
    public static int Run(RootCommand root, Option<bool> verbose, string[] args)
    {
        var parsed = root.Parse(args);
        string command = string.Join(' ', CommandPath(parsed.CommandResult.Command, root));
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) Console.Error.WriteLine($"{command}: {error.Message}");
            Console.Error.WriteLine($"see: {command} --help");
            return ExitCode.Usage;
        }
        TextDecoding.Warning += message => Console.Error.WriteLine($"warning: {message}");
        try
        {
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            Exception shown = e is AggregateException { InnerExceptions.Count: 1 } a ? a.InnerException! : e;
            bool input = IsInputError(shown);
            string kind = input ? "" : IsBug(shown) ? "failed (a bug in lab, not in your input; --verbose shows where, please report it): " : "failed: ";
            Console.Error.WriteLine($"{command}: {kind}{Shorten(shown.Message)}");
            if (parsed.GetValue(verbose)) Console.Error.WriteLine(shown.ToString());
            return input ? ExitCode.Usage : ExitCode.Failed;
        }
    }

    /// <summary>
    /// Errors in what the user gave (files, values), as opposed to a run that failed. A null argument is never the user's:
    /// only the program passes nulls.
    /// </summary>
    public static bool IsInputError(Exception e) => e is not ArgumentNullException && !IsBug(e)
        && e is ArgumentException or FormatException or InvalidDataException or FileNotFoundException
        or DirectoryNotFoundException or System.Text.Json.JsonException or UnauthorizedAccessException or NotSupportedException;

    /// <summary>Exceptions that only a mistake in the program raises, whatever the input (exit 1, said to be a bug).</summary>
    public static bool IsBug(Exception e) => e is NullReferenceException or IndexOutOfRangeException or InvalidCastException or ArgumentNullException
        or KeyNotFoundException or DivideByZeroException;

    // "lab train", "lab bench ops": the command's names from the root down.
    private static List<string> CommandPath(Command command, RootCommand root)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c && c != root; s = c.Parents.FirstOrDefault()) names.Insert(0, c.Name);
        names.Insert(0, "lab");
        return names;
    }

    // A message of at most four lines of bounded length (an exception may quote a whole input line or list every
    // mismatched tensor).
    private static string Shorten(string message)
    {
        var lines = message.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToList();
        var shown = lines.Take(4).Select(l => l.Length <= 300 ? l : l[..300] + "...").ToList();
        if (lines.Count > 4) shown.Add($"  ... and {lines.Count - 4} more lines (--verbose shows all)");
        return string.Join(Environment.NewLine, shown);
    }
}
