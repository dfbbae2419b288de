using System.IO.Compression;

using NotebookHost.Export;

namespace NotebookHost.Tests;

public sealed class FigureExportTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("fig-tests").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static Plotly.NET.GenericChart Sample() => Charts.GroupedBars(["BODY", "SIGNS", "CHECK"],
        [new Series("ours", [84.9, 94.6, 93.7], [1.2, 0.4, 0.8]), new Series("paper", [86.0, 95.0, 93.0])], "F1 by type", "F1 (%)", yRange: (0, 100))
        .WithPixelSize(480, 320);

    private static void AssertDrawn(string png, int width, int height)
    {
        var (w, h, pixels) = Png.Decode(File.ReadAllBytes(png));
        Assert.Equal((width, height), (w, h));
        int distinct = pixels.Distinct().Count();
        Assert.True(distinct > 20, $"only {distinct} distinct colours: the figure did not render");
        Assert.Contains(pixels, p => p != 0xFFFFFF); // something besides white
    }

    [Fact]
    public void Png_export_is_a_non_blank_image_of_the_charts_size()
    {
        string path = FigureFiles.Save(Sample(), dir, "f", "png").Single();
        AssertDrawn(path, 480, 320);
    }

    [Fact]
    public void The_standalone_html_draws_offline_in_chromium()
    {
        // The HTML export carries plotly.js and references nothing outside the file; chromium runs without network.
        string html = FigureFiles.Save(Sample(), dir, "f", "html").Single();
        Assert.DoesNotMatch("<script[^>]+src=", File.ReadAllText(html));
        string png = Path.Combine(dir, "from-html.png");
        FigureExport.Screenshot(html, png, 480, 320);
        AssertDrawn(png, 480, 320);
    }

    [Fact]
    public void Svg_export_is_valid_xml_with_the_traces_and_error_bars()
    {
        string path = FigureFiles.Save(Sample(), dir, "f", "svg").Single();
        var svg = System.Xml.Linq.XDocument.Load(path);   // throws on anything that is not well-formed XML
        Assert.Equal("svg", svg.Root!.Name.LocalName);
        string text = File.ReadAllText(path);
        Assert.Contains("F1 by type", text, StringComparison.Ordinal);
        Assert.Contains("BODY", text, StringComparison.Ordinal);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(text, "class=\"trace bars\""));
        Assert.Contains("errorbar", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_formats_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => FigureFiles.Save(Sample(), dir, "f", "gif"));
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
