using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ClinicalNer.Models.Parts;

/// <summary>
/// The open registry of parts described as data: for each kind of part (a base record such as <see cref="EncoderSpec"/>)
/// the records registered under a name. A spec is written as JSON with that name as its <c>"type"</c> and read back
/// through the registry, so a part of one's own (a notebook's encoder, say) joins with one <see cref="Register{TBase, TPart}"/>
/// call and survives a checkpoint's save and load (AllenNLP's <c>Registrable</c>, spaCy's registered architectures).
/// </summary>
public static class PartRegistry
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<Type, List<(string Name, Type Type)>> Kinds = [];
    private static JsonSerializerOptions? json;

    static PartRegistry()
    {
        // The built-in parts, one line each.
        Register<EncoderSpec, BiLstmSpec>("bilstm");
        Register<EncoderSpec, BiGruSpec>("bigru");
        Register<EncoderSpec, AttentionSpec>("attention");
        Register<EncoderSpec, TenerSpec>("tener");
        Register<DecoderSpec, CrfSpec>("crf");
        Register<DecoderSpec, SoftmaxSpec>("softmax");
        Register<SpanScorerSpec, BiaffineSpec>("biaffine");
        Register<SpanScorerSpec, PointerSpec>("pointer");
        Register<SpanScorerSpec, SoftmaxSpanSpec>("softmax");
        Register<InputSpec, CharClassInputSpec>("charClass");
    }

    /// <summary>Registers <typeparamref name="TPart"/> as the part of kind <typeparamref name="TBase"/> named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">When the name is taken by another record of that kind, or the record is registered under another name.</exception>
    public static void Register<TBase, TPart>(string name) where TPart : TBase => Register(typeof(TBase), typeof(TPart), name);

    /// <summary>Registers <paramref name="part"/> as the part of kind <paramref name="kind"/> named <paramref name="name"/>.</summary>
    public static void Register(Type kind, Type part, string name)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(part);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!kind.IsAssignableFrom(part) || part.IsAbstract) throw new ArgumentException($"{part.Name} is not a concrete {kind.Name}", nameof(part));
        lock (Gate)
        {
            if (!Kinds.TryGetValue(kind, out var parts)) Kinds[kind] = parts = [];
            if (parts.Any(p => p.Name == name && p.Type == part)) return;
            if (parts.FirstOrDefault(p => p.Name == name) is { Type: { } taken })
                throw new ArgumentException($"the {Label(kind)} name '{name}' is taken by {taken.Name}", nameof(name));
            if (parts.FirstOrDefault(p => p.Type == part) is { Name: { } other })
                throw new ArgumentException($"{part.Name} is registered as '{other}' already", nameof(part));
            parts.Add((name, part));
            json = null;   // the next use builds options that know the new part
        }
    }

    /// <summary>The parts of kind <typeparamref name="TBase"/>: (name, record type), in registration order.</summary>
    public static IReadOnlyList<(string Name, Type Type)> Parts<TBase>() => Parts(typeof(TBase));

    /// <summary>The parts of kind <paramref name="kind"/>.</summary>
    public static IReadOnlyList<(string Name, Type Type)> Parts(Type kind)
    {
        lock (Gate) return Kinds.TryGetValue(kind, out var parts) ? parts.ToList() : [];
    }

    /// <summary>The kinds of part known (the base records).</summary>
    public static IReadOnlyList<Type> KindsKnown
    {
        get
        {
            lock (Gate) return Kinds.Keys.ToList();
        }
    }

    /// <summary>The registered name of <paramref name="spec"/>'s record.</summary>
    public static string NameOf(object spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        lock (Gate)
            foreach (var parts in Kinds.Values)
                if (parts.FirstOrDefault(p => p.Type == spec.GetType()) is { Name: { } name }) return name;
        throw new ArgumentException($"{spec.GetType().Name} is not a registered part");
    }

    /// <summary>
    /// The JSON options every spec is written and read with: camelCase names (read in any case), enums as names, unknown
    /// fields refused (a misspelt field is an error, not a default), each registered part written with its name as
    /// <c>"type"</c>.
    /// </summary>
    public static JsonSerializerOptions Json
    {
        get
        {
            lock (Gate)
                return json ??= new JsonSerializerOptions
                {
                    WriteIndented = true,
                    PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
                    PropertyNameCaseInsensitive = true,
                    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
                    AllowOutOfOrderMetadataProperties = true,   // "type" anywhere in a part's object, as people write it
                    Converters = { new JsonStringEnumConverter() },
                    TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { Polymorphism(Kinds.ToDictionary(k => k.Key, k => k.Value.ToList())), WithoutDisplayNames } },
                };
        }
    }

    /// <summary>A spec as JSON.</summary>
    public static string ToJson<T>(T spec) => JsonSerializer.Serialize(spec, Json);

    /// <summary>Reads a spec of type <typeparamref name="T"/>; <paramref name="source"/> names the input in errors.</summary>
    /// <exception cref="InvalidDataException">For JSON that does not describe one (an unknown part named with the known ones).</exception>
    public static T FromJson<T>(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize<T>(json, Json) ?? throw new InvalidDataException($"{source}: empty spec");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: {Describe(e)}", e);
        }
        catch (NotSupportedException e)
        {
            // An abstract part without "type": say which names it could have.
            var kind = KindsKnown.FirstOrDefault(k => e.Message.Contains(k.Name, StringComparison.Ordinal));
            string known = kind is null ? "" : $" (one of: {string.Join(", ", Parts(kind).Select(p => p.Name))})";
            throw new InvalidDataException($"{source}: a part lacks its \"type\"{known}", e);
        }
    }

    /// <summary>A JSON error in words: the parser's message without its byte positions, where it is, and for an unknown "type" the parts that exist.</summary>
    public static string Describe(JsonException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string message = e.Message.Split(" Path:")[0].Split(" LineNumber:")[0].TrimEnd('.');
        string where = e.Path is { Length: > 1 } path ? $" at {path}" : "";
        if (message.Contains("type discriminator", StringComparison.OrdinalIgnoreCase))
        {
            string known = string.Join("; ", KindsKnown.Select(k => $"{Label(k)}: {string.Join(", ", Parts(k).Select(p => p.Name))}"));
            return $"unknown part \"type\"{where} ({message}); registered parts are {known}";
        }
        return message + where;
    }

    private static string Label(Type kind) => kind.Name.EndsWith("Spec", StringComparison.Ordinal) ? kind.Name[..^4].ToLowerInvariant() : kind.Name;

    // A part's display name is derived, not a setting: never written (the override of an ignored property is not ignored by itself).
    private static void WithoutDisplayNames(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object) return;
        for (int k = info.Properties.Count - 1; k >= 0; k--)
            if (string.Equals(info.Properties[k].Name, "displayName", StringComparison.OrdinalIgnoreCase)) info.Properties.RemoveAt(k);
    }

    // Each registered kind becomes a polymorphic base with "type" as its discriminator.
    private static Action<JsonTypeInfo> Polymorphism(Dictionary<Type, List<(string Name, Type Type)>> kinds) => info =>
    {
        if (!kinds.TryGetValue(info.Type, out var parts)) return;
        var options = new JsonPolymorphismOptions
        {
            TypeDiscriminatorPropertyName = "type",
            UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization,
        };
        foreach (var (name, type) in parts) options.DerivedTypes.Add(new JsonDerivedType(type, name));
        info.PolymorphismOptions = options;
    };
}
