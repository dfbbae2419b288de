namespace Cli.Commands;

/// <summary>The few option-parsing helpers the thin commands share.</summary>
internal static class CliOptions
{
    /// <summary>The value after <paramref name="name"/>, or null when the option is absent.</summary>
    public static string? Get(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        if (i < 0) return null;
        if (i + 1 >= args.Length) throw new ArgumentException($"{name} needs a value");
        return args[i + 1];
    }

    /// <summary>Whether a flag is present.</summary>
    public static bool Has(string[] args, string name) => Array.IndexOf(args, name) >= 0;
}
