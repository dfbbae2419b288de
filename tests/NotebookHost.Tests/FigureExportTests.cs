using System.IO.Compression;
using ClinicalNer.Plots;
using NotebookHost.Export;

namespace NotebookHost.Tests;

public sealed class FigureExportTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("fig-tests").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static Figure Sample() => new Figure("F1 by type", 480, 320)
        .Bar(["BODY", "SIGNS", "CHECK"], [84.9, 94.6, 93.7], "ours")
        .Bar(["BODY", "SIGNS", "CHECK"], [86.0, 95.0, 93.0], "paper")
        .YAxis("F1 (%)", range: [0, 100]);

    [Fact]
    public void Figure_json_has_the_traces_layout_and_subplots()
    {
        var fig = new Figure("curves").Subplots(1, 2, ["loss", "F1"])
            .Line([1, 2, 3], [3.0, 2.0, 1.5], "train loss")
            .Line([1, 2, 3], [0.7, 0.8, 0.85], "dev F1", row: 1, col: 2)
            .Heatmap(new double[,] { { 1, 2 }, { 3, 4 } }, ["a", "b"], ["x", "y"], row: 1, col: 2);
        var json = fig.ToJson();
        Assert.Equal(3, json["data"]!.AsArray().Count);
        Assert.Equal("x2", json["data"]![1]!["xaxis"]!.GetValue<string>());
        Assert.Equal("heatmap", json["data"]![2]!["type"]!.GetValue<string>());
        Assert.Equal("%{text}", json["data"]![2]!["texttemplate"]!.GetValue<string>());
        Assert.Equal(2, json["layout"]!["grid"]!["columns"]!.GetValue<int>());
        Assert.Equal("F1", json["layout"]!["annotations"]![1]!["text"]!.GetValue<string>());
        Assert.Throws<ArgumentOutOfRangeException>(() => new Figure().Line([1], [1], "x", row: 2));
        var bundle = fig.ToMimeBundle();
        Assert.True(bundle.ContainsKey("application/vnd.plotly.v1+json"));
        Assert.Contains("Plotly.newPlot", (string)bundle["text/html"]);
        Assert.DoesNotContain("cdn", ((string)bundle["text/html"])[..Math.Min(2000, ((string)bundle["text/html"]).Length)], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Png_export_is_a_valid_non_blank_image()
    {
        string path = Path.Combine(dir, "f.png");
        FigureExport.Save(Sample().ToJson(), PlotlyJs.ScriptPath ?? throw new InvalidOperationException("plotly.js not installed: run ./lab setup"), path, 480, 320);
        var (width, height, pixels) = Png.Decode(File.ReadAllBytes(path));
        Assert.Equal((480, 320), (width, height));
        int distinct = pixels.Distinct().Count();
        Assert.True(distinct > 20, $"only {distinct} distinct colours: the figure did not render");
        Assert.Contains(pixels, p => p != 0xFFFFFF); // something besides white
    }

    [Fact]
    public void Svg_export_is_plotlys_svg_with_the_traces()
    {
        string path = Path.Combine(dir, "f.svg");
        FigureExport.Save(Sample().ToJson(), PlotlyJs.ScriptPath ?? throw new InvalidOperationException("plotly.js not installed: run ./lab setup"), path, 480, 320);
        string svg = File.ReadAllText(path);
        Assert.StartsWith("<svg", svg.TrimStart());
        Assert.Contains("F1 by type", svg);
        Assert.Contains("BODY", svg);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(svg, "class=\"trace bars\""));
    }

    /// <summary>A minimal PNG decoder (8-bit RGB/RGBA, non-interlaced) to check exported images: RGB per pixel.</summary>
    private static class Png
    {
        public static (int Width, int Height, int[] Rgb) Decode(byte[] file)
        {
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, file[..8]);
            int pos = 8, width = 0, height = 0, colorType = 0;
            using var idat = new MemoryStream();
            while (pos < file.Length)
            {
                int len = (file[pos] << 24) | (file[pos + 1] << 16) | (file[pos + 2] << 8) | file[pos + 3];
                string type = System.Text.Encoding.ASCII.GetString(file, pos + 4, 4);
                if (type == "IHDR")
                {
                    width = (file[pos + 8] << 24) | (file[pos + 9] << 16) | (file[pos + 10] << 8) | file[pos + 11];
                    height = (file[pos + 12] << 24) | (file[pos + 13] << 16) | (file[pos + 14] << 8) | file[pos + 15];
                    Assert.Equal(8, file[pos + 16]);
                    colorType = file[pos + 17];
                    Assert.Equal(0, file[pos + 20]);
                }
                if (type == "IDAT") idat.Write(file, pos + 8, len);
                pos += 12 + len;
            }
            int bpp = colorType switch { 2 => 3, 6 => 4, _ => throw new InvalidDataException($"PNG colour type {colorType}") };
            idat.Position = 0;
            using var z = new ZLibStream(idat, CompressionMode.Decompress);
            using var raw = new MemoryStream();
            z.CopyTo(raw);
            byte[] data = raw.ToArray();
            int stride = width * bpp;
            var prev = new byte[stride];
            var cur = new byte[stride];
            var rgb = new int[width * height];
            for (int y = 0; y < height; y++)
            {
                int filter = data[y * (stride + 1)];
                Array.Copy(data, y * (stride + 1) + 1, cur, 0, stride);
                for (int i = 0; i < stride; i++)
                {
                    int a = i >= bpp ? cur[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
                    int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                    int predictor = filter switch
                    {
                        0 => 0, 1 => a, 2 => b, 3 => (a + b) / 2,
                        4 => pa <= pb && pa <= pc ? a : pb <= pc ? b : c,
                        _ => throw new InvalidDataException($"PNG filter {filter}"),
                    };
                    cur[i] = (byte)(cur[i] + predictor);
                }
                for (int x = 0; x < width; x++) rgb[y * width + x] = (cur[x * bpp] << 16) | (cur[x * bpp + 1] << 8) | cur[x * bpp + 2];
                (prev, cur) = (cur, prev);
            }
            return (width, height, rgb);
        }
    }
}
