using System.Net;
using System.Text;
using ClinicalNer.Data;

namespace ClinicalNer.Display;

/// <summary>
/// A document with its gold and predicted entities as highlighted text, the way spaCy's displaCy shows
/// entities: a colour per type; correct predictions plain, type errors, boundary errors, spurious
/// predictions and misses marked, so a researcher sees the errors behind the F1.
/// </summary>
public sealed class EntityView : Reporting.IDisplayReport
{
    private static readonly string[] Palette = ["#7aecec", "#bfeeb7", "#feca74", "#ff9561", "#aa9cfc", "#c887fb", "#9cc9cc", "#ffeb80", "#e4e7d2", "#f0d0ff"];
    private readonly List<(Document Doc, IReadOnlyList<EntitySpan> Gold, IReadOnlyList<EntitySpan> Predicted)> items = [];

    /// <summary>Adds a document with its gold and predicted spans.</summary>
    public EntityView Add(Document document, IReadOnlyList<EntitySpan> gold, IReadOnlyList<EntitySpan> predicted)
    {
        items.Add((document ?? throw new ArgumentNullException(nameof(document)), gold ?? [], predicted ?? []));
        return this;
    }

    /// <summary>Documents shown.</summary>
    public int Count => items.Count;

    /// <summary>The HTML rendering: one block per document, the predicted entities in the text, then the misses.</summary>
    public string ToHtml()
    {
        var types = items.SelectMany(i => i.Gold.Concat(i.Predicted)).Select(s => s.Type).Distinct().Order(StringComparer.Ordinal).ToList();
        string Colour(string type) => Palette[types.IndexOf(type) % Palette.Length];
        var sb = new StringBuilder("<div style=\"font-family:sans-serif;line-height:2.2\">");
        sb.Append("<p style=\"font-size:90%\">");
        foreach (string t in types) sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"<span style=\"background:{Colour(t)};padding:2px 6px;border-radius:4px;margin-right:4px\">{WebUtility.HtmlEncode(t)}</span>");
        sb.Append(" &nbsp;solid border: correct · dashed red: wrong type · dotted orange: wrong boundary · strike: spurious</p>");
        foreach (var (doc, gold, predicted) in items)
        {
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"<div style=\"border-top:1px solid #ddd;padding:4px 0\"><small style=\"color:#888\">{WebUtility.HtmlEncode(doc.Id)}</small><br>");
            int at = 0;
            foreach (EntitySpan p in predicted.OrderBy(p => p.Start).Where(p => p.Start >= 0))
            {
                if (p.Start < at) continue;
                sb.Append(WebUtility.HtmlEncode(string.Concat(doc.Chars.Skip(at).Take(p.Start - at))));
                string kind = Kind(p, gold);
                string style = kind switch
                {
                    "correct" => "border:1px solid #555",
                    "type" => "border:2px dashed #d00",
                    "boundary" => "border:2px dotted #e80",
                    _ => "text-decoration:line-through",
                };
                string title = kind == "type" ? $"wrong type: gold {gold.First(g => g.Start == p.Start && g.End == p.End).Type}" : kind;
                sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"<mark title=\"{WebUtility.HtmlEncode(title)}\" style=\"background:{Colour(p.Type)};{style};padding:1px 3px;border-radius:4px\">")
                  .Append(WebUtility.HtmlEncode(doc.Surface(p))).Append(System.Globalization.CultureInfo.InvariantCulture, $"<sub style=\"font-size:65%;margin-left:3px\">{WebUtility.HtmlEncode(p.Type)}</sub></mark>");
                at = p.End;
            }
            sb.Append(WebUtility.HtmlEncode(string.Concat(doc.Chars.Skip(at))));
            var missed = gold.Where(g => !predicted.Any(p => p.Start < g.End && g.Start < p.End)).ToList();
            if (missed.Count > 0)
                sb.Append("<br><small>missed: ").Append(string.Join(", ", missed.Select(m => $"<span style=\"background:{Colour(m.Type)};padding:1px 3px\">{WebUtility.HtmlEncode(doc.Surface(m))} ({WebUtility.HtmlEncode(m.Type)})</span>"))).Append("</small>");
            sb.Append("</div>");
        }
        return sb.Append("</div>").ToString();
    }

    /// <summary>A text summary: per document, its predicted entities and misses.</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        foreach (var (doc, gold, predicted) in items)
        {
            sb.Append(doc.Id).Append(": ").Append(doc.Text).Append('\n');
            foreach (EntitySpan p in predicted) sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"  {Kind(p, gold),-9} {doc.Surface(p)} {p.Type}\n");
            foreach (EntitySpan g in gold.Where(g => !predicted.Any(p => p.Start < g.End && g.Start < p.End))) sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"  missed    {doc.Surface(g)} {g.Type}\n");
        }
        return sb.ToString();
    }

    private static string Kind(EntitySpan p, IReadOnlyList<EntitySpan> gold) =>
        gold.Contains(p) ? "correct"
        : gold.Any(g => g.Start == p.Start && g.End == p.End) ? "type"
        : gold.Any(g => g.Start < p.End && p.Start < g.End) ? "boundary"
        : "spurious";
}
