namespace ClinicalNer.Tests;

/// <summary>Five short clinical sentences with four entity types: small enough for a tagger to fit exactly in a test.</summary>
internal static class TinyCorpus
{
    public static readonly List<Document> Documents =
    [
        Document.Create("1", "头痛三天", [new(0, 1, "BODY"), new(1, 2, "SIGNS")], "t"),
        Document.Create("2", "腹痛一周", [new(0, 1, "BODY"), new(1, 2, "SIGNS")], "t"),
        Document.Create("3", "咳嗽三天", [new(0, 2, "SIGNS")], "t"),
        Document.Create("4", "腹胀两天伴咳嗽", [new(0, 2, "SIGNS"), new(5, 7, "SIGNS")], "t"),
        Document.Create("5", "查血常规示贫血", [new(1, 4, "CHECK"), new(5, 7, "DISEASE")], "t"),
    ];
}
