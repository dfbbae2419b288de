using System.Globalization;
using ClinicalNer.Data;
using TorchBinding.Modules;
using static TorchBinding.torch;

namespace ClinicalNer.Models.Parts;

/// <summary>The module of an <see cref="InputSpec"/>: from the tensor its spec encoded to one vector per character.</summary>
public interface IInputEmbedding
{
    /// <summary>(B, L, size) from the (B, L, ...) tensor of <see cref="InputSpec.Encode"/>.</summary>
    Tensor Embed(Tensor encoded);
}

/// <summary>
/// Character classes (registered as "charClass"): each character's class (Han, Latin letter, digit, punctuation, space,
/// other) as a small learned embedding. Clinical text mixes Han characters with lab values and units ("血糖7.8mmol/L"),
/// where the class marks the boundary a character vocabulary has to learn one character at a time. Learns nothing from
/// the training text; an example of an input part, and the template for one's own.
/// </summary>
/// <param name="Dim">Embedding size.</param>
public sealed record CharClassInputSpec(int Dim = 8) : InputSpec
{
    /// <summary>The classes, in id order after padding (0).</summary>
    public static readonly IReadOnlyList<string> Classes = ["han", "latin", "digit", "punctuation", "space", "other"];

    /// <inheritdoc/>
    public override string DisplayName => "character classes";

    /// <inheritdoc/>
    public override long OutputSize() => Dim;

    /// <summary>The class id of a character (1-based: 0 is padding).</summary>
    public static long ClassOf(string character)
    {
        ArgumentNullException.ThrowIfNull(character);
        if (character.Length == 0) return 6;
        int code = char.ConvertToUtf32(character, 0);
        if (code is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2EBEF) return 1;
        var category = CharUnicodeInfo.GetUnicodeCategory(code);
        if (category is UnicodeCategory.DecimalDigitNumber) return 3;        // full-width digits too
        if ((char.IsLetter(character, 0) && code < 0x3000) || code is >= 0xFF21 and <= 0xFF3A or >= 0xFF41 and <= 0xFF5A) return 2;   // full-width too
        if (char.IsWhiteSpace(character, 0)) return 5;
        if (char.IsPunctuation(character, 0) || char.IsSymbol(character, 0)) return 4;
        return 6;
    }

    /// <inheritdoc/>
    public override Tensor Encode(IReadOnlyList<Document> documents, int width)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var ids = new long[documents.Count * width];
        for (int b = 0; b < documents.Count; b++)
            for (int i = 0; i < Math.Min(width, documents[b].Length); i++)
                ids[b * width + i] = ClassOf(documents[b].Chars[i]);
        return tensor(ids, [documents.Count, width]);
    }

    /// <inheritdoc/>
    public override nn.Module Build()
    {
        if (Dim < 1) throw new ArgumentException($"charClass.dim is {Dim}; it needs 1 or more");
        return new LookupInput(nn.Embedding(Classes.Count + 1, Dim, padding_idx: 0));
    }
}

/// <summary>An input embedded by one table lookup of its ids (the module of id-valued input parts).</summary>
public sealed class LookupInput : nn.Module, IInputEmbedding
{
    private readonly Embedding table;

    /// <summary>Wraps <paramref name="table"/> (parameter name <c>table.weight</c>).</summary>
    public LookupInput(Embedding table) : base(nameof(LookupInput))
    {
        this.table = table ?? throw new ArgumentNullException(nameof(table));
        RegisterComponents();
    }

    /// <summary>The table.</summary>
    public Embedding Table => table;

    /// <inheritdoc/>
    public Tensor Embed(Tensor encoded) => table.call(encoded);
}
