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
            Console.Error.WriteLine($"{command}: {(input ? "" : "failed: ")}{FirstLine(shown.Message)}");
            if (parsed.GetValue(verbose)) Console.Error.WriteLine(shown.ToString());
            return input ? ExitCode.Usage : ExitCode.Failed;
        }
    }

    /// <summary>Errors in what the user gave (files, values), as opposed to a run that failed.</summary>
    public static bool IsInputError(Exception e) => e is ArgumentException or FormatException or InvalidDataException or FileNotFoundException
        or DirectoryNotFoundException or System.Text.Json.JsonException or UnauthorizedAccessException or NotSupportedException;

    // "lab train", "lab bench ops": the command's names from the root down.
    private static List<string> CommandPath(Command command, RootCommand root)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c && c != root; s = c.Parents.FirstOrDefault()) names.Insert(0, c.Name);
        names.Insert(0, "lab");
        return names;
    }

    // A message of one line and bounded length (an exception may quote a whole input line).
    private static string FirstLine(string message)
    {
        string line = message.Split('\n')[0].TrimEnd('\r');
        return line.Length <= 300 ? line : line[..300] + "...";
    }
}
