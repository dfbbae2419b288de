namespace Cli.Tests;

/// <summary>Which failures are the user's input (exit 2) and which are the program's own mistakes (exit 1, said to be a bug).</summary>
public class TopLevelTests
{
    private static Exception Raised(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            return e;
        }
        throw new InvalidOperationException("nothing was raised");
    }

    [Fact]
    public void Input_errors_are_the_users_and_program_mistakes_are_bugs()
    {
        Assert.True(TopLevel.IsInputError(new ArgumentException("--hidden must be at least 1")));
        Assert.True(TopLevel.IsInputError(new InvalidDataException("train.txt line 3: ...")));
        Assert.True(TopLevel.IsInputError(new FileNotFoundException("x")));
        Assert.False(TopLevel.IsInputError(new ArgumentNullException("documents")));
        Assert.True(TopLevel.IsBug(new ArgumentNullException("documents")));
        Assert.True(TopLevel.IsBug(Raised(() => _ = ((object?)null)!.ToString())));   // what the runtime throws for them
        int[] one = [1];
        Assert.True(TopLevel.IsBug(Raised(() => _ = one[Environment.ProcessorCount + 1])));
        Assert.False(TopLevel.IsBug(new InvalidOperationException("round 1 kept no checkpoint")));   // a failed run, not a bug
        Assert.False(TopLevel.IsInputError(new InvalidOperationException("diverged")));
    }
}
