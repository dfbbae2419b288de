using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace NotebookHost.Display;

/// <summary>A value shown in a notebook that can be replaced in place (progress lines, live curves).</summary>
public sealed class DisplayHandle : Reporting.ILiveHandle
{
    private readonly KernelInvocationContext? context;

    internal DisplayHandle(KernelInvocationContext? context, string id)
    {
        this.context = context;
        Id = id;
    }

    /// <summary>The display id (Jupyter's <c>transient.display_id</c>).</summary>
    public string Id { get; }

    /// <summary>Replaces the shown value (in a notebook), or prints it (outside one).</summary>
    public void Update(object? value) => NotebookDisplay.Publish(context, value, Id, update: true);
}

/// <summary>
/// <c>NotebookDisplay.Show(x)</c>: displays a value with .NET Interactive's formatters and returns a handle that
/// updates it in place. Outside a kernel (a console program) values are printed as text.
/// </summary>
/// <remarks>
/// The kernel's own <c>display(x).Update(y)</c> (dotnet-interactive 1.0.712001) sends Jupyter's
/// <c>update_display_data</c> under a new display id, so front ends never replace the first output (checked over the
/// Jupyter protocol). Publishing the display events with our own value id keeps the two ids equal.
/// </remarks>
public static class NotebookDisplay
{
    /// <summary>The notebook as a <see cref="Reporting.Live"/> sink: library code's live displays update in place here.</summary>
    public static Reporting.ILiveSink Sink { get; } = new LiveSink();

    /// <summary>Shows <paramref name="value"/> and returns a handle to replace it (outside a kernel: printed, each update a line).</summary>
    public static Reporting.ILiveHandle Show(object? value) => Lab.InKernel ? ShowInKernel(value) : Reporting.Live.Sink.Show(value);

    // Apart, so that a process without the kernel's assemblies (an exported notebook) never compiles code that names them.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static DisplayHandle ShowInKernel(object? value)
    {
        var context = KernelInvocationContext.Current;
        var handle = new DisplayHandle(context, Guid.NewGuid().ToString("N"));
        Publish(context, value, handle.Id, update: false);
        return handle;
    }

    private sealed class LiveSink : Reporting.ILiveSink
    {
        public Reporting.ILiveHandle Show(object? value) => NotebookDisplay.Show(value);
    }

    internal static void Publish(KernelInvocationContext? context, object? value, string id, bool update)
    {
        if (context is null)
        {
            Console.WriteLine(Reporting.DisplayAdapters.Text(value));
            return;
        }
        if (context.IsComplete) return; // the cell that showed it has finished; nothing can be replaced any more
        var formatted = FormattedValue.CreateManyFromObject(value!);
        KernelEvent e = update
            ? new DisplayedValueUpdated(value, id, context.Command, formatted)
            : new DisplayedValueProduced(value, context.Command, formatted, id);
        context.Publish(e);
    }
}
