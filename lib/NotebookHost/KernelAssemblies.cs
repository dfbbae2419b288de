using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace NotebookHost;

/// <summary>
/// Makes Plotly.NET run on the kernel's FSharp.Core. Plotly.NET 6.0.0 (the only version served) is compiled against
/// FSharp.Core 10.1, while dotnet-interactive 1.0.712001 has FSharp.Core 10.0 loaded. Left alone, the kernel loads a
/// second FSharp.Core for Plotly.NET while Giraffe.ViewEngine (which Plotly.NET calls) binds to the kernel's, and the
/// first chart fails with a MissingMethodException (checked). Answering the failed 10.1 request with the loaded
/// FSharp.Core keeps one copy; FSharp.Core 10.x is backward compatible within the major version, and the project's
/// chart tests run in the kernel through every chart kind. Outside a kernel FSharp.Core 10.1 is on the normal probing
/// path and this handler is never asked.
/// </summary>
internal static class KernelAssemblies
{
    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "must run before the first Plotly.NET type loads")]
    internal static void Install() => AssemblyLoadContext.Default.Resolving += ResolveFSharpCore;

    private static Assembly? ResolveFSharpCore(AssemblyLoadContext context, AssemblyName name)
    {
        if (name.Name != "FSharp.Core") return null;
        return AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "FSharp.Core" && AssemblyLoadContext.GetLoadContext(a) == AssemblyLoadContext.Default);
    }
}
