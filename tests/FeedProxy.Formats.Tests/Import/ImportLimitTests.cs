using FeedProxy.Formats.Model;
using System.IO.Compression;
using System.Text;
using FeedProxy.Formats.Import;

namespace FeedProxy.Formats.Tests.Import;

/// <summary>Hostile files that used to crash the process or exhaust memory are refused, naming the limit.</summary>
public sealed class ImportLimitTests
{
    private static MemoryStream NestedTitle(int depth)
    {
        var builder = new StringBuilder(Samples.Xml.Length + (depth * 8));
        var xml = Samples.Xml;
        var at = xml.IndexOf("<acronym>", StringComparison.Ordinal);
        builder.Append(xml, 0, at);
        builder.Insert(builder.Length, "<t>", depth);
        builder.Insert(builder.Length, "</t>", depth);
        builder.Append(xml, at, xml.Length - at);
        return new MemoryStream(Encoding.UTF8.GetBytes(builder.ToString()));
    }

    [Theory]
    [InlineData(65)]
    [InlineData(120_000)]
    [InlineData(200_000)] // overflowed the stack in XContainer and ended the process
    public void DeeplyNestedXml_IsRefusedNamingTheDepthLimit(int depth)
    {
        var error = Assert.Throws<ImportException>(() => new FrabXmlImporter().Import(NestedTitle(depth), Samples.Options));

        Assert.Contains("deeper than the limit of 64 levels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModestNesting_StillImports()
    {
        var model = new FrabXmlImporter().Import(NestedTitle(20), Samples.Options);

        Assert.NotEmpty(model.Sessions);
    }

    [Fact]
    public void TooManyElements_IsRefusedNamingTheLimit()
    {
        var options = Samples.Options with { Limits = new ImportLimits { MaxXmlElements = 10_000 } };
        var flat = Samples.Xml.Replace("<acronym>", string.Concat(Enumerable.Repeat("<x/>", 20_000)) + "<acronym>", StringComparison.Ordinal);

        var error = Assert.Throws<ImportException>(() => new FrabXmlImporter().Import(new MemoryStream(Encoding.UTF8.GetBytes(flat)), options));

        Assert.Contains("more elements than the limit of 10,000", error.Message, StringComparison.Ordinal);
    }

    private static MemoryStream Zip(params (string Name, byte[] Content)[] entries)
    {
        var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = archive.CreateEntry(name, CompressionLevel.SmallestSize).Open();
                stream.Write(content);
            }
        }

        buffer.Position = 0;
        return buffer;
    }

    private static byte[] Padded(string json, int size)
    {
        // Valid JSON followed by whitespace: compresses by a factor of about a thousand.
        var bytes = new byte[size];
        Array.Fill(bytes, (byte)' ');
        Encoding.UTF8.GetBytes(json).CopyTo(bytes, 0);
        return bytes;
    }

    [Fact]
    public void ZipEntryWithABombsRatio_IsRefusedNamingTheRatioLimit()
    {
        using var zip = Zip(("event.json", Padded("""{"name": "Bomb"}""", 8 * 1024 * 1024)));

        var error = Assert.Throws<ImportException>(() => new OpenEventImporter().Import(zip, Samples.Options));

        Assert.Contains("compression ratio", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ZipExpandingBeyondTheTotal_IsRefusedNamingTheSizeLimit()
    {
        var options = Samples.Options with { Limits = new ImportLimits { MaxUncompressedBytes = 1024 * 1024, MaxCompressionRatio = 1_000_000 } };
        using var zip = Zip(
            ("event.json", Padded("""{"name": "Big"}""", 700 * 1024)),
            ("sessions.json", Padded("[]", 700 * 1024)));

        var error = Assert.Throws<ImportException>(() => new OpenEventImporter().Import(zip, options));

        Assert.Contains("limit of 1 MB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OrdinaryZip_StillImports()
    {
        using var zip = Zip(("event.json", Encoding.UTF8.GetBytes("""{"name": "Small", "timezone": "Asia/Singapore"}""")), ("sessions.json", "[]"u8.ToArray()));

        Assert.Equal("Small", new OpenEventImporter().Import(zip, Samples.Options).Name);
    }

    [Theory]
    [InlineData("abc\n")]
    [InlineData("abc\r\n")]
    [InlineData("\nabc")]
    public void IdWithNewline_IsNotValid(string id)
    {
        Assert.False(FeedProxy.Formats.Model.ScheduleId.IsValid(id));
    }
}
