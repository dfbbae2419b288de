using System.Text.Encodings.Web;
using System.Text.Json;
using ClinicalNer.Data.Readers;
using ClinicalNer.Training;

namespace Cli.Commands;

/// <summary><c>lab predict --checkpoint DIR (--text TEXT | --file PATH)</c>: entities as JSON lines, one per input line.</summary>
internal static class PredictCommand
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static int Run(string[] args)
    {
        string checkpoint = CliOptions.Get(args, "--checkpoint") ?? throw new ArgumentException("usage: lab predict --checkpoint DIR (--text TEXT | --file PATH)");
        var texts = CliOptions.Get(args, "--text") is { } text ? [text]
            : CliOptions.Get(args, "--file") is { } file ? TextDecoding.ReadLines(file).Select(l => l.Text).ToList()
            : throw new ArgumentException("give --text TEXT or --file PATH");
        using var predictor = NerPredictor.Load(checkpoint);
        var results = predictor.Predict(texts);
        for (int i = 0; i < texts.Count; i++)
            Console.WriteLine(JsonSerializer.Serialize(new { text = texts[i], entities = results[i].Select(e => new { e.Start, e.End, e.Type, e.Text, confidence = Math.Round(e.Confidence, 4) }) }, Json));
        return 0;
    }
}
