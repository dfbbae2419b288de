namespace Cli.Commands;

/// <summary><c>lab demo</c>: a short real training run on the bundled sample.</summary>
internal static class DemoCommand
{
    public static int Run(string[] args)
    {
        _ = args;
        Console.Error.WriteLine("demo: not yet");
        return 1;
    }
}
