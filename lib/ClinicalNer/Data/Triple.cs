namespace ClinicalNer.Data;

/// <summary>A knowledge-graph triple (head, relation, tail), e.g. (眼睛发红, 类别, 症状).</summary>
public sealed record Triple(string Head, string Relation, string Tail);
