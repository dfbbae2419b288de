using System.CommandLine;
using ClinicalNer.Models.Parts;
using ClinicalNer.Models.Specs;

namespace Cli.Commands;

/// <summary>
/// <c>lab models [NAME]</c>: the presets (one line each: name, display name, family) and the registered parts by kind; with
/// a preset's name, its spec as JSON (a start for <c>lab train --spec</c>).
/// </summary>
internal static class ModelsCommand
{
    public static Command Build()
    {
        var name = new Argument<string?>("preset") { Description = "a preset whose spec to print as JSON", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("models", "the model presets and the registered parts (encoders, decoders, span scorers, families)") { name };
        command.SetAction(r => Run(r.GetValue(name)));
        return command;
    }

    private static int Run(string? preset)
    {
        ModelSpec.EnsureRegistered();
        if (preset is not null)
        {
            Console.WriteLine(ModelPresets.Get(preset).ToJson());
            return ExitCode.Ok;
        }
        Console.WriteLine("presets (lab train --model NAME; lab models NAME prints the spec):");
        int width = ModelPresets.Names.Max(n => n.Length);
        foreach (string n in ModelPresets.Names)
        {
            var spec = ModelPresets.Get(n);
            Console.WriteLine($"  {n.PadRight(width)}  {spec.DisplayName,-22} {PartRegistry.NameOf(spec)}");
        }
        Console.WriteLine("parts (\"type\" in a spec; lab train --set PATH=VALUE edits one):");
        foreach (var kind in PartRegistry.KindsKnown)
        {
            string label = kind.Name.EndsWith("Spec", StringComparison.Ordinal) ? kind.Name[..^4] : kind.Name;
            foreach (var (partName, type) in PartRegistry.Parts(kind))
                Console.WriteLine(Wrap($"  {label.ToLowerInvariant(),-11} {partName,-12} ", Fields(type)));
        }
        return ExitCode.Ok;
    }

    // The fields after the prefix, wrapped to 100 columns under themselves.
    private static string Wrap(string prefix, string fields)
    {
        var lines = new List<string> { prefix };
        foreach (string field in fields.Split(' '))
        {
            if (lines[^1].Length + field.Length + 1 > 100 && lines[^1].Trim().Length > 0 && lines[^1].Length > prefix.Length) lines.Add(new string(' ', prefix.Length));
            lines[^1] += (lines[^1].Length > prefix.Length ? " " : "") + field;
        }
        return string.Join(Environment.NewLine, lines);
    }

    // The record's settings: its constructor's parameters, camelCase as in a spec.
    private static string Fields(Type type)
    {
        var parameters = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First().GetParameters();
        return parameters.Length == 0 ? "no settings" : string.Join(" ", parameters.Select(p => char.ToLowerInvariant(p.Name![0]) + p.Name[1..]));
    }
}
