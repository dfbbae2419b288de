using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NotebookHost.Notebook;

namespace Cli.Export;

/// <summary>
/// A notebook as a .NET 10 file-based app (<c>dotnet run NB.cs -- name=value</c>): the project's <c>#r</c> lines become one
/// <c>#:project</c> directive (other NuGet references <c>#:package</c>), every cell's <c>using</c>s go to the top, markdown
/// becomes comments, a cell's closing expression is passed to <c>display</c> (text, figures written to files), the
/// parameters cell reads <c>name=value</c> arguments, and types declared in cells move to the end of the file (C# wants
/// the program's statements first). Cells are read with Roslyn as the kernel reads them, as C# script.
/// </summary>
internal static class FileAppExporter
{
    // The assemblies of this repository a notebook loads with #r: one #:project of the notebook host brings them all.
    private static readonly string[] ProjectAssemblies = ["NotebookHost.dll", "ClinicalNer.dll", "ClinicalNer.Display.dll", "TorchBinding.dll", "Reporting.dll"];

    private static readonly CSharpParseOptions Script = CSharpParseOptions.Default.WithKind(SourceCodeKind.Script).WithLanguageVersion(LanguageVersion.Preview);

    /// <summary>The app's source for <paramref name="notebook"/>, to be written at <paramref name="output"/>.</summary>
    /// <param name="notebook">The notebook.</param>
    /// <param name="output">Where the app will be written (relative paths in it start from its folder).</param>
    /// <param name="repositoryRoot">This repository (the project the app references).</param>
    /// <exception cref="InvalidDataException">For a cell that is not C# the app can hold, named with its number.</exception>
    public static string Export(NotebookDocument notebook, string output, string repositoryRoot)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        string appDir = Path.GetDirectoryName(Path.GetFullPath(output))!;
        string notebookDir = Path.GetDirectoryName(Path.GetFullPath(notebook.Path))!;
        string Relative(string path) => Path.GetRelativePath(appDir, path).Replace('\\', '/');

        var directives = new List<string>();
        var usings = new List<string>();
        var body = new StringBuilder();
        var types = new StringBuilder();
        var declared = new Dictionary<string, int>(StringComparer.Ordinal);
        var parameters = new List<string>();
        bool project = false;
        int number = 0;
        foreach (var cell in notebook.Cells)
        {
            number++;
            if (cell.CellType == "markdown")
            {
                body.AppendLine();
                foreach (string line in cell.Source.Split('\n')) body.AppendLine(("// " + line.TrimEnd('\r')).TrimEnd());
                continue;
            }
            if (cell.CellType != "code") continue;
            var code = new StringBuilder();
            foreach (string line in cell.Source.Split('\n'))
            {
                string trimmed = line.Trim();
                if (trimmed.StartsWith("#r ", StringComparison.Ordinal))
                {
                    string reference = Quoted(trimmed, number);
                    if (reference.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase))
                    {
                        var parts = reference["nuget:".Length..].Split(',', StringSplitOptions.TrimEntries);
                        if (parts[0].StartsWith("ClinicalNer", StringComparison.Ordinal)) project = true;
                        else directives.Add($"#:package {parts[0]}@{(parts.Length > 1 && parts[1].Length > 0 ? parts[1] : "*")}");
                    }
                    else if (ProjectAssemblies.Contains(Path.GetFileName(reference))) project = true;
                    else throw new InvalidDataException($"cell {number}: #r \"{reference}\" loads a file, which a file-based app cannot; reference its project or package instead");
                }
                else if (trimmed.StartsWith("#i ", StringComparison.Ordinal))
                {
                    string source = Quoted(trimmed, number);
                    if (source.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase) && !project)
                        directives.Add($"#:property RestoreAdditionalProjectSources={source["nuget:".Length..].Trim()}");
                }
                else if (trimmed.StartsWith("#!", StringComparison.Ordinal)) code.AppendLine("// (kernel magic left out) " + trimmed);
                else code.AppendLine(line.TrimEnd('\r'));
            }
            var tree = CSharpSyntaxTree.ParseText(code.ToString(), Script);
            if (tree.GetDiagnostics().FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error) is { } error)
                throw new InvalidDataException($"cell {number}: {error.GetMessage(CultureInfo.InvariantCulture)} (line {error.Location.GetLineSpan().StartLinePosition.Line + 1})");
            var unit = (CompilationUnitSyntax)tree.GetRoot();
            foreach (var u in unit.Usings)
            {
                string text = u.WithoutTrivia().ToString();
                if (!usings.Contains(text)) usings.Add(text);
            }
            bool isParameters = cell.Tags.Contains("parameters");
            body.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"// ---- cell {number}{(isParameters ? " (parameters)" : "")}");
            for (int k = 0; k < unit.Members.Count; k++)
            {
                var member = unit.Members[k];
                foreach (string name in DeclaredNames(member))
                {
                    if (declared.TryGetValue(name, out int first))
                        throw new InvalidDataException($"cell {number} declares '{name}' again (cell {first} declared it first): one program declares a name once; rename one of them in the notebook");
                    declared[name] = number;
                    if (isParameters) parameters.Add(name);
                }
                switch (member)
                {
                    case BaseTypeDeclarationSyntax or DelegateDeclarationSyntax:
                        types.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"// from cell {number}").Append(member.ToFullString().Trim('\n', '\r')).AppendLine();
                        break;
                    case GlobalStatementSyntax { Statement: ExpressionStatementSyntax { SemicolonToken.IsMissing: true } closing } when k == unit.Members.Count - 1:
                        body.Append(closing.GetLeadingTrivia().ToFullString())
                            .Append("display(").Append(closing.Expression.WithoutTrivia().ToFullString()).Append(");")
                            .Append(closing.Expression.GetTrailingTrivia().ToFullString().TrimEnd()).AppendLine();
                        break;
                    case MethodDeclarationSyntax method:
                        // A script's method is a local function of the program: no access modifiers.
                        var kept = SyntaxFactory.TokenList(method.Modifiers.Where(m => !m.IsKind(SyntaxKind.PublicKeyword) && !m.IsKind(SyntaxKind.PrivateKeyword)
                            && !m.IsKind(SyntaxKind.InternalKeyword) && !m.IsKind(SyntaxKind.ProtectedKeyword)));
                        body.Append(method.WithModifiers(kept).ToFullString());
                        if (!method.ToFullString().EndsWith('\n')) body.AppendLine();
                        break;
                    default:
                        body.Append(member.ToFullString());
                        if (!member.ToFullString().EndsWith('\n')) body.AppendLine();
                        break;
                }
            }
            if (isParameters)
            {
                body.AppendLine("// name=value arguments of the app replace these defaults");
                foreach (string name in parameters) body.AppendLine(CultureInfo.InvariantCulture, $"{name} = FileApp.Parameter(nameof({name}), {name});");
            }
        }
        if (!project)
            throw new InvalidDataException($"{notebook.Path} loads neither this project's assemblies nor its ClinicalNer packages (#r): nothing to reference");

        string name0 = Path.GetFileNameWithoutExtension(output);
        var app = new StringBuilder();
        app.AppendLine(CultureInfo.InvariantCulture, $"#:project {Relative(Path.Combine(repositoryRoot, "lib", "NotebookHost", "NotebookHost.csproj"))}");
        // The notebook host leaves FSharp.Core (Plotly.NET's) to the kernel, which brings its own; an app needs it as a package.
        app.AppendLine(CultureInfo.InvariantCulture, $"#:package FSharp.Core@{CentralVersion(repositoryRoot, "FSharp.Core")}");
        foreach (string d in directives.Distinct()) app.AppendLine(d);
        // Script semantics (no nullable analysis) and none of the repository's build rules for notebook code.
        foreach (string p in new[] { "Nullable=disable", "TreatWarningsAsErrors=false", "EnforceCodeStyleInBuild=false", "AnalysisLevel=none",
                     "GenerateDocumentationFile=false", "PublishAot=false", "ManagePackageVersionsCentrally=false" })
            app.AppendLine(CultureInfo.InvariantCulture, $"#:property {p}");
        app.AppendLine();
        app.AppendLine(CultureInfo.InvariantCulture, $"// {Path.GetFileName(notebook.Path)} as a .NET 10 file-based app, written by `lab export` on {DateTime.UtcNow:yyyy-MM-dd}.");
        app.AppendLine(CultureInfo.InvariantCulture, $"// Run it from any folder: dotnet run -c Release {Path.GetFileName(output)} -- NAME=VALUE ... (parameters: {string.Join(", ", parameters)})");
        app.AppendLine("// It runs in the notebook's folder (relative paths mean what they meant there); displayed figures are written to");
        app.AppendLine(CultureInfo.InvariantCulture, $"// {name0}-figures/ beside this file.");
        app.AppendLine();
        foreach (string u in usings) app.AppendLine(u);
        app.AppendLine("using NotebookHost.App;");
        app.AppendLine("using static NotebookHost.App.FileApp;");
        app.AppendLine();
        app.AppendLine(CultureInfo.InvariantCulture, $"FileApp.Start(args, [{string.Join(", ", parameters.Select(p => $"\"{p}\""))}], \"{Relative(notebookDir)}\", \"{name0}-figures\");");
        app.Append(body);
        if (types.Length > 0) app.AppendLine().AppendLine("// ---- types declared in the cells").Append(types);
        return app.ToString();
    }

    // The names a top-level member declares (script variables parse as fields; statements as local declarations).
    private static IEnumerable<string> DeclaredNames(MemberDeclarationSyntax member) => member switch
    {
        FieldDeclarationSyntax field => field.Declaration.Variables.Select(v => v.Identifier.ValueText),
        GlobalStatementSyntax { Statement: LocalDeclarationStatementSyntax local } => local.Declaration.Variables.Select(v => v.Identifier.ValueText),
        GlobalStatementSyntax { Statement: ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { Left: DeclarationExpressionSyntax declaration } } } =>
            declaration.Designation.DescendantNodesAndSelf().OfType<SingleVariableDesignationSyntax>().Select(d => d.Identifier.ValueText),
        MethodDeclarationSyntax method => [method.Identifier.ValueText],
        _ => [],
    };

    // A package's version in the repository's Directory.Packages.props.
    private static string CentralVersion(string repositoryRoot, string package)
    {
        string props = Path.Combine(repositoryRoot, "Directory.Packages.props");
        var entry = System.Xml.Linq.XDocument.Load(props).Descendants("PackageVersion").FirstOrDefault(e => (string?)e.Attribute("Include") == package);
        return (string?)entry?.Attribute("Version") ?? throw new InvalidDataException($"{props} gives no version of {package}");
    }

    private static string Quoted(string directive, int cell)
    {
        int start = directive.IndexOf('"', StringComparison.Ordinal), end = directive.LastIndexOf('"');
        if (start < 0 || end <= start) throw new InvalidDataException($"cell {cell}: '{directive}' names nothing in quotes");
        return directive[(start + 1)..end].Trim();
    }
}
