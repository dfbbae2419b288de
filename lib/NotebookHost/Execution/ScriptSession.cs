using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace NotebookHost.Execution;

/// <summary>The outcome of one cell.</summary>
/// <param name="Success">Whether the cell compiled and ran without an exception.</param>
/// <param name="HasValue">Whether the cell ended with an expression (its value is shown).</param>
/// <param name="Value">That value.</param>
/// <param name="ErrorName">Exception type or "CompilationError".</param>
/// <param name="ErrorValue">The message.</param>
/// <param name="Traceback">Lines of diagnostics or stack trace.</param>
public sealed record CellResult(bool Success, bool HasValue, object? Value, string? ErrorName = null, string? ErrorValue = null, IReadOnlyList<string>? Traceback = null);

/// <summary>
/// One C# scripting session (Roslyn): cells run in order and share state, as in a kernel. The
/// project's libraries are referenced and imported; <c>#r "path.dll"</c> resolves against the notebook folder.
/// </summary>
public sealed class ScriptSession
{
    private static readonly string[] DefaultImports =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Threading.Tasks", "NotebookHost.Display"];

    private readonly ScriptOptions options;
    private readonly NotebookGlobals globals;
    private ScriptState<object>? state;

    /// <summary>Creates a session for a notebook.</summary>
    /// <param name="notebookPath">The notebook (for relative paths and #r).</param>
    /// <param name="extraReferences">Assemblies beyond the platform and this host (e.g. the project's libraries).</param>
    /// <param name="extraImports">Namespaces (or static classes) to import in every cell.</param>
    public ScriptSession(string notebookPath, IEnumerable<Assembly>? extraReferences = null, IEnumerable<string>? extraImports = null)
    {
        globals = new NotebookGlobals { NotebookPath = notebookPath };
        string dir = globals.NotebookDirectory;
        var references = PlatformReferences()
            .Concat(new[] { typeof(ScriptSession).Assembly }.Concat(extraReferences ?? []).Distinct().Select(a => MetadataReference.CreateFromFile(a.Location)))
            .ToList();
        var imports = DefaultImports.Concat(extraImports ?? []).Distinct().ToList();
        options = ScriptOptions.Default
            .WithReferences(references)
            .WithImports(imports)
            .WithMetadataResolver(ScriptMetadataResolver.Default.WithBaseDirectory(dir).WithSearchPaths(dir, AppContext.BaseDirectory))
            .WithSourceResolver(new SourceFileResolver(ImmutableArray<string>.Empty, dir))
            .WithEmitDebugInformation(false)
            .WithAllowUnsafe(true)
            .WithLanguageVersion(Microsoft.CodeAnalysis.CSharp.LanguageVersion.Latest);
    }

    /// <summary>Compiles and runs one cell's code in the session.</summary>
    public async Task<CellResult> ExecuteAsync(string code, CancellationToken cancellation = default)
    {
        string source = StripLanguageMagic(code);
        try
        {
            Script<object> script = state is null
                ? CSharpScript.Create(source, options, typeof(NotebookGlobals))
                : state.Script.ContinueWith(source, options);
            var diagnostics = script.Compile(cancellation).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (diagnostics.Count > 0)
                return new CellResult(false, false, null, "CompilationError", diagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture),
                    diagnostics.Select(d => d.ToString()).ToList());
            var next = state is null
                ? await script.RunAsync(globals, _ => true, cancellation).ConfigureAwait(false)
                : await script.RunFromAsync(state, _ => true, cancellation).ConfigureAwait(false);
            state = next;
            if (next.Exception is { } ex) return Failure(ex);
            bool hasValue = EndsWithExpression(source);
            return new CellResult(true, hasValue, next.ReturnValue);
        }
        catch (CompilationErrorException ex)
        {
            return new CellResult(false, false, null, "CompilationError", ex.Message, ex.Diagnostics.Select(d => d.ToString()).ToList());
        }
    }

    // A cell shows a value when its last statement is an expression without a semicolon (as in kernels).
    private static bool EndsWithExpression(string source)
    {
        var tree = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(source,
            new Microsoft.CodeAnalysis.CSharp.CSharpParseOptions(kind: SourceCodeKind.Script));
        var last = tree.GetRoot().ChildNodes().LastOrDefault();
        return last is Microsoft.CodeAnalysis.CSharp.Syntax.GlobalStatementSyntax { Statement: Microsoft.CodeAnalysis.CSharp.Syntax.ExpressionStatementSyntax e }
            && e.SemicolonToken.IsMissing;
    }

    private static CellResult Failure(Exception ex)
    {
        Exception shown = ex is TargetInvocationException { InnerException: { } inner } ? inner : ex;
        var trace = (shown.StackTrace ?? "").Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0 && !l.Contains("Microsoft.CodeAnalysis.Scripting", StringComparison.Ordinal)).ToList();
        trace.Insert(0, $"{shown.GetType().FullName}: {shown.Message}");
        return new CellResult(false, false, null, shown.GetType().Name, shown.Message, trace);
    }

    // .NET Interactive notebooks may start a cell with "#!csharp" (its language selector); other "#!" magics are not C#.
    private static string StripLanguageMagic(string code)
    {
        var lines = code.Split('\n').ToList();
        while (lines.Count > 0 && lines[0].TrimStart().StartsWith("#!", StringComparison.Ordinal))
        {
            string magic = lines[0].Trim();
            if (magic is not ("#!csharp" or "#!c#" or "#!C#"))
                throw new NotSupportedException($"the magic command '{magic}' is not supported here: cells are C#");
            lines.RemoveAt(0);
        }
        return string.Join('\n', lines);
    }

    private static IEnumerable<MetadataReference> PlatformReferences() =>
        ((AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string) ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll" or "System.dll")
        .Select(p => MetadataReference.CreateFromFile(p));
}
