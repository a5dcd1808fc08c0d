using System.Buffers;
using System.Text;
using System.Xml.Linq;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.XCal;

namespace FeedProxy.Formats.Tests.Syndication;

/// <summary>Rendering, parsing and golden-file comparison for the XML feed tests.</summary>
internal static class SyndicationTestKit
{
    private const string UpdateVariable = "FEEDPROXY_UPDATE_GOLDEN";

    public static byte[] Render(FeedDocument document, FeedFormat format)
    {
        if (format == FeedFormat.XCal)
        {
            var buffer = new ArrayBufferWriter<byte>();
            PentabarfXCalWriter.Write(document, buffer);
            return buffer.WrittenSpan.ToArray();
        }

        return FeedWriters.Render(document, format);
    }

    public static XDocument Parse(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        return XDocument.Load(stream);
    }

    /// <summary>
    /// Compares with tests/FeedProxy.Formats.Tests/Golden/<paramref name="name"/> in the source
    /// tree, byte for byte; with FEEDPROXY_UPDATE_GOLDEN=1 rewrites the file instead.
    /// </summary>
    public static void AssertGolden(string name, byte[] actual)
    {
        var path = Path.Combine(RepositoryRoot(), "tests", "FeedProxy.Formats.Tests", "Golden", name);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllBytes(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"Golden file {name} is missing; run the tests once with {UpdateVariable}=1 and review it.");
        var expected = File.ReadAllBytes(path);
        if (!expected.AsSpan().SequenceEqual(actual))
        {
            // Text comparison gives xunit's readable diff; the byte check above is the real one.
            Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(actual));
            Assert.Fail($"{name}: same text, different bytes.");
        }
    }

    public static string RepositoryRoot() => FeedProxy.Testing.RepositoryPaths.Root;
}
