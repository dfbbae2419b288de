using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using ClinicalNer.Data.Readers;
using ClinicalNer.Models;
using ClinicalNer.Training;
using ClinicalNer.Models.Specs;

namespace Cli.Commands;

/// <summary><c>lab predict --checkpoint DIR (--text TEXT | --file PATH)</c>: entities as JSON lines, one per input line.</summary>
internal static class PredictCommand
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static Command Build()
    {
        var checkpoint = Options.ExistingPath("--checkpoint", "a checkpoint folder (best/ or last/ of lab train)", required: true);
        var text = Options.Text("--text", "the text to tag");
        var file = Options.ExistingPath("--file", "a text file (UTF-8 or GB18030), one text per line");
        var device = Options.Device();
        var command = new Command("predict", "entities of raw text of any length as JSON lines (offsets into the text, confidences)") { checkpoint, text, file, device };
        command.SetAction(r =>
        {
            var texts = (r.GetValue(text), r.GetValue(file)) switch
            {
                ({ } t, null) => [t],
                (null, { } f) => TextDecoding.ReadLines(f).Select(l => l.Text).ToList(),
                _ => throw new ArgumentException("give either --text TEXT or --file PATH"),
            };
            using var predictor = NerPredictor.Load(r.GetValue(checkpoint)!, device: Options.DeviceOf(r, device));
            var results = predictor.Predict(texts);
            for (int i = 0; i < texts.Count; i++)
                Console.WriteLine(JsonSerializer.Serialize(new { text = texts[i], entities = results[i].Select(e => new { e.Start, e.End, e.Type, e.Text, confidence = Math.Round(e.Confidence, 4) }) }, Json));
            return ExitCode.Ok;
        });
        return command;
    }
}
