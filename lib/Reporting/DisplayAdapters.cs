using System.Collections.Concurrent;

namespace Reporting;

/// <summary>
/// How values of types that cannot implement <see cref="IDisplayReport"/> themselves (a library's result records, which
/// must not depend on the presentation layer) are displayed: a layer above that library registers an adapter per type,
/// and the notebook host and the console sink render through it (as Plotly.NET.Interactive adds formatters for
/// Plotly.NET's charts from outside them).
/// </summary>
public static class DisplayAdapters
{
    private static readonly ConcurrentDictionary<Type, Func<object, IDisplayReport>> adapters = new();

    /// <summary>Raised with the type after an adapter is registered (a host registers its formatters for late types).</summary>
    public static event Action<Type>? Registered;

    /// <summary>Displays every <typeparamref name="T"/> as <paramref name="adapt"/> makes it (a later registration replaces an earlier one).</summary>
    public static void Register<T>(Func<T, IDisplayReport> adapt) where T : notnull
    {
        ArgumentNullException.ThrowIfNull(adapt);
        adapters[typeof(T)] = value => adapt((T)value);
        Registered?.Invoke(typeof(T));
    }

    /// <summary>The types with an adapter.</summary>
    public static IReadOnlyCollection<Type> Types => adapters.Keys.ToList();

    /// <summary>
    /// What <paramref name="value"/> displays as: itself when it is an <see cref="IDisplayReport"/>, else the adapter of its
    /// type (or of the nearest base type with one); null when neither.
    /// </summary>
    public static IDisplayReport? For(object? value)
    {
        if (value is null) return null;
        if (value is IDisplayReport report) return report;
        for (var type = value.GetType(); type is not null; type = type.BaseType)
            if (adapters.TryGetValue(type, out var adapt)) return adapt(value);
        return null;
    }

    /// <summary>The text of <paramref name="value"/>: its display's text, else <see cref="object.ToString"/>.</summary>
    public static string Text(object? value) => For(value)?.ToText() ?? value?.ToString() ?? "null";
}
