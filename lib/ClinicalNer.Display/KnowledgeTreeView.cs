using System.Globalization;
using System.Net;
using System.Text;
using ClinicalNer.Data;
using ClinicalNer.Models.Bert;

namespace ClinicalNer.Display;

/// <summary>
/// Sentences as K-BERT's sentence trees: each matched entity highlighted, with the objects the graph injected after it
/// as branches (a small box per object), so a reader sees what the graph added to each sentence. Text form:
/// <c>患者头痛{症状|疼痛}发热{症状}</c>.
/// </summary>
public sealed class KnowledgeTreeView : Reporting.IDisplayReport
{
    private readonly List<(Document Doc, IReadOnlyList<Branch> Branches)> items = [];

    /// <summary>Adds a sentence with the branches injected into it (<see cref="InjectedSequence.Branches"/>, character offsets in <paramref name="document"/>).</summary>
    public KnowledgeTreeView Add(Document document, IReadOnlyList<Branch> branches)
    {
        items.Add((document ?? throw new ArgumentNullException(nameof(document)), branches ?? []));
        return this;
    }

    /// <summary>Sentences shown.</summary>
    public int Count => items.Count;

    // The sentence split into plain runs and entities, each entity with its injected objects.
    private static IEnumerable<(string Text, IReadOnlyList<string>? Objects)> Parts(Document doc, IReadOnlyList<Branch> branches)
    {
        int at = 0;
        foreach (var entity in branches.GroupBy(b => (b.EntityStart, b.EntityEnd)).OrderBy(g => g.Key.EntityStart))
        {
            if (entity.Key.EntityStart < at) continue;
            if (entity.Key.EntityStart > at) yield return (string.Concat(doc.Chars.Skip(at).Take(entity.Key.EntityStart - at)), null);
            yield return (string.Concat(doc.Chars.Skip(entity.Key.EntityStart).Take(entity.Key.EntityEnd - entity.Key.EntityStart)), entity.Select(b => b.Injected).ToList());
            at = entity.Key.EntityEnd;
        }
        if (at < doc.Length) yield return (string.Concat(doc.Chars.Skip(at)), null);
    }

    /// <inheritdoc/>
    public string ToText()
    {
        var sb = new StringBuilder();
        foreach (var (doc, branches) in items)
        {
            foreach (var (text, objects) in Parts(doc, branches)) sb.Append(text).Append(objects is null ? "" : "{" + string.Join("|", objects) + "}");
            sb.AppendLine();
        }
        return sb.ToString();
    }

    /// <inheritdoc/>
    public string ToHtml()
    {
        var sb = new StringBuilder("<div style=\"font-family:sans-serif;line-height:2.4\">");
        sb.Append("<p style=\"font-size:90%\"><mark style=\"background:#bfeeb7;padding:1px 3px;border-radius:4px\">entity</mark> matched in the graph; " +
                  "<span style=\"border:1px solid #aa9cfc;color:#5a3fc0;font-size:75%;padding:0 3px;border-radius:3px\">object</span> injected after it</p>");
        foreach (var (doc, branches) in items)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<div style=\"border-top:1px solid #ddd;padding:4px 0\"><small style=\"color:#888\">{WebUtility.HtmlEncode(doc.Id)}</small><br>");
            foreach (var (text, objects) in Parts(doc, branches))
            {
                if (objects is null) { sb.Append(WebUtility.HtmlEncode(text)); continue; }
                sb.Append("<mark style=\"background:#bfeeb7;padding:1px 3px;border-radius:4px\">").Append(WebUtility.HtmlEncode(text)).Append("</mark>");
                foreach (string o in objects)
                    sb.Append("<sup style=\"border:1px solid #aa9cfc;color:#5a3fc0;font-size:75%;padding:0 3px;margin-left:2px;border-radius:3px\">")
                      .Append(WebUtility.HtmlEncode(o)).Append("</sup>");
            }
            sb.Append("</div>");
        }
        return sb.Append("</div>").ToString();
    }
}
