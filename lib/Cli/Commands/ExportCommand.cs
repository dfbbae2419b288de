using System.CommandLine;
using Cli.Export;
using NotebookHost.Notebook;

namespace Cli.Commands;

/// <summary>
/// <c>lab export NB.ipynb [--out FILE.cs]</c>: writes the notebook as a .NET 10 file-based app that runs without Python
/// or Jupyter (<c>dotnet run FILE.cs -- smoke=true</c>); see <see cref="FileAppExporter"/>.
/// </summary>
internal static class ExportCommand
{
    public static Command Build()
    {
        var notebook = new Argument<string>("notebook") { Description = "the .ipynb to export" };
        var output = new Option<string>("--out", "-o") { Description = "the app's .cs file (default: out/NAME.cs)" };
        var command = new Command("export", "write a notebook as a .NET 10 file-based app: dotnet run FILE.cs -- name=value ...") { notebook, output };
        command.SetAction(r =>
        {
            string path = r.GetValue(notebook)!;
            if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such notebook");
            var document = NotebookDocument.Load(path);
            string root = ClinicalNer.Data.DataPaths.RepositoryRoot() ?? throw new DirectoryNotFoundException("the repository of this lab was not found");
            string target = r.GetValue(output) ?? Path.Combine(root, "out", Path.GetFileNameWithoutExtension(path) + ".cs");
            if (!target.EndsWith(".cs", StringComparison.OrdinalIgnoreCase)) throw new ArgumentException($"--out {target}: a file-based app is a .cs file");
            string source = FileAppExporter.Export(document, target, root);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
            File.WriteAllText(target, source);
            Console.WriteLine($"wrote {target}; run it with: dotnet run {target} -- smoke=true");
            return 0;
        });
        return command;
    }
}
