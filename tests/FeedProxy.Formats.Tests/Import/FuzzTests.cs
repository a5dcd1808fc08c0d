using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using FeedProxy.Formats.Import;
using Xunit.Abstractions;

namespace FeedProxy.Formats.Tests.Import;

/// <summary>
/// No input makes an importer fail with anything but <see cref="ImportException"/>: truncated
/// documents, random bytes, values of the wrong type, huge and hostile strings.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private static readonly IScheduleImporter[] Importers = [.. ScheduleImporters.All];

    public static TheoryData<string> Documents => new() { "xml", "json", "open-event" };

    private static string Document(string name) => name switch
    {
        "xml" => Samples.Xml,
        "json" => Samples.Json,
        _ => Samples.OpenEvent,
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public void EveryPrefix_ImportsOrThrowsImportException(string name)
    {
        var bytes = Samples.Bytes(Document(name));
        for (var length = 0; length < bytes.Length; length++)
        {
            var prefix = bytes.AsMemory(0, length).ToArray();
            Samples.ImportsOrRefuses(() => ScheduleImporters.Import(new MemoryStream(prefix), null, Samples.Options), $"{name} prefix {length}");
        }
    }

    [Fact]
    public void RandomBytes_WithAndWithoutPlausibleHeads_NeverCrash()
    {
        var random = new Random(20270305);
        string[] heads = ["", "<schedule>", "<?xml version=\"1.0\"?><schedule><conference><title>x</title></conference><day date=\"2027-01-01\"><event>",
            "{\"schedule\":{\"conference\":{\"title\":\"x\",\"days\":[{\"rooms\":{\"r\":[{", "{\"event\":{\"name\":\"x\"},\"sessions\":[{", "PK\u0003\u0004"];
        foreach (var head in heads)
        {
            for (var i = 0; i < 150; i++)
            {
                var tail = new byte[random.Next(0, 600)];
                random.NextBytes(tail);
                var bytes = Samples.Bytes(head).Concat(tail).ToArray();
                foreach (var importer in Importers)
                {
                    Samples.ImportsOrRefuses(() => importer.Import(new MemoryStream(bytes), Samples.Options), $"{importer.Name} random {i} after '{head}'");
                }
            }
        }
    }

    [Theory]
    [InlineData("json")]
    [InlineData("open-event")]
    public void EveryJsonValueReplacedByEveryKind_ImportsOrThrowsImportException(string name)
    {
        var original = JsonNode.Parse(Document(name))!;
        var paths = new List<string>();
        Collect(original, "$", paths);
        JsonNode?[] replacements = [null, 0, -1, 1e308, "", "x", "25:99", "2027-13-45T99:00:00+25:00", "9999-12-31T23:59:00-14:00", "9999-12-31", "0001-01-01T00:00:00+14:00", "P99999999W", "9:23:59", true, new JsonArray(), new JsonObject(), new string('é', 5000)];
        var importer = name == "json" ? (IScheduleImporter)new ScheduleJsonImporter() : new OpenEventImporter();
        foreach (var path in paths)
        {
            for (var r = 0; r < replacements.Length; r++)
            {
                var copy = JsonNode.Parse(original.ToJsonString())!;
                Replace(copy, path, replacements[r]?.DeepClone());
                var text = copy.ToJsonString();
                Samples.ImportsOrRefuses(() => Samples.Import(importer, text), $"{path} := {replacements[r]?.ToJsonString() ?? "null"}");
            }
        }
    }

    [Fact]
    public void EveryXmlElementEmptiedOrFilledWithJunk_ImportsOrThrowsImportException()
    {
        var original = XDocument.Parse(Samples.Xml);
        var count = original.Descendants().Count();
        string[] values = ["", " ", "x", "-1", "99:99", "0:00", "2027-02-30T10:00:00+01:00", "9999-12-31", "9999-12-31T23:59:00-14:00", "47:59", "31:23:59", "9999999999:00", "\u0001", new string('a', 20000)];
        var importer = new FrabXmlImporter();
        for (var i = 0; i < count; i++)
        {
            foreach (var value in values)
            {
                var copy = new XDocument(original);
                var element = copy.Descendants().ElementAt(i);
                if (value == "\u0001")
                {
                    element.Remove();
                }
                else if (!element.HasElements)
                {
                    element.Value = value;
                }

                foreach (var attribute in element.Attributes())
                {
                    attribute.Value = value == "\u0001" ? "" : value;
                }

                var text = copy.ToString();
                Samples.ImportsOrRefuses(() => Samples.Import(importer, text), $"element {i} := '{value[..Math.Min(value.Length, 10)]}'");
            }
        }
    }

    [Fact]
    public void HugeAndHostileStrings_AreHandled()
    {
        var huge = new string('T', 300_000);
        var angles = new string('<', 100_000);
        var tags = string.Concat(Enumerable.Repeat("<a", 50_000));
        var nested = string.Concat(Enumerable.Repeat("<b>", 20_000));
        foreach (var abstractText in new[] { huge, angles, tags, nested, "&#1;&#xFFFF;&#xD800;" })
        {
            var xml = Samples.Xml.Replace("<title>First Talk</title>", $"<title>{System.Security.SecurityElement.Escape(huge)}</title>", StringComparison.Ordinal)
                .Replace("<subtitle></subtitle>", $"<subtitle>{System.Security.SecurityElement.Escape(abstractText)}</subtitle><abstract>{System.Security.SecurityElement.Escape(abstractText)}</abstract>", StringComparison.Ordinal);
            Samples.ImportsOrRefuses(() => Samples.Import(new FrabXmlImporter(), xml), "huge xml");
        }

        var deepJson = new string('[', 10_000) + new string(']', 10_000);
        Assert.Throws<ImportException>(() => Samples.Import(new ScheduleJsonImporter(), "{\"schedule\":" + deepJson + "}"));
        var deepXml = "<schedule>" + string.Concat(Enumerable.Repeat("<day>", 5_000)) + string.Concat(Enumerable.Repeat("</day>", 5_000)) + "</schedule>";
        Samples.ImportsOrRefuses(() => Samples.Import(new FrabXmlImporter(), deepXml), "deep xml");
        var invalidUtf8 = Samples.Bytes(Samples.Json).Select(b => b == (byte)'J' ? (byte)0xFF : b).ToArray();
        Samples.ImportsOrRefuses(() => new ScheduleJsonImporter().Import(new MemoryStream(invalidUtf8), Samples.Options), "invalid utf-8 json");
        var invalidUtf8Xml = Samples.Bytes(Samples.Xml).Select(b => b == (byte)'F' ? (byte)0xC3 : b).ToArray();
        Samples.ImportsOrRefuses(() => new FrabXmlImporter().Import(new MemoryStream(invalidUtf8Xml), Samples.Options), "invalid utf-8 xml");
    }

    [Theory]
    [InlineData("fosdem-mttcrsp/2025.xml")]
    [InlineData("voc-schedule/json/examples/frab-camp2019.json")]
    public void TruncatedRealFile_ThrowsImportException(string file)
    {
        if (!ScheduleData.TryGet(file, output, out var path))
        {
            return; // the synthetic prefixes above still cover truncation
        }

        var bytes = File.ReadAllBytes(path);
        foreach (var fraction in new[] { 0.001, 0.25, 0.5, 0.999 })
        {
            var cut = bytes.AsMemory(0, (int)(bytes.Length * fraction)).ToArray();
            var error = Assert.Throws<ImportException>(() => ScheduleImporters.Import(new MemoryStream(cut), null, Samples.Options with { TimeZone = "Europe/Brussels" }));
            Assert.NotNull(error.Line);
        }
    }

    [Theory]
    [InlineData("<?xml version=\"1.0\" encoding=\"bogus-8\"?><schedule/>")]
    [InlineData("<?xml version=\"1.0\" encoding=\"UTF-16\"?><schedule/>")]
    [InlineData("<?xml version=\"2.0\"?><schedule/>")]
    [InlineData("<schedule><conference><title>x</title></conference><day date=\"2027-01-01\"><event id=\"1\"><title>t</title><date>2027-01-01T10:00:00+01:00</date></event></day></schedule>")]
    [InlineData("<schedule xmlns=\"urn:example\"><conference><title>x</title><time_zone_name>UTC</time_zone_name></conference></schedule>")]
    public void OddXmlDeclarationsAndMinimalDocuments_ImportOrThrowImportException(string text)
    {
        Samples.ImportsOrRefuses(() => Samples.Import(new FrabXmlImporter(), text), text);
    }

    [Fact]
    public void InvalidUtf8InsideJsonStrings_ThrowsImportException()
    {
        foreach (var (text, importer) in new (string, IScheduleImporter)[] { (Samples.Json, new ScheduleJsonImporter()), (Samples.OpenEvent, new OpenEventImporter()) })
        {
            foreach (var target in new[] { "Example", "Hall", "Room 1", "2027-03-01T09:00:00+08:00", "Testing", "1.3" })
            {
                var at = text.IndexOf(target, StringComparison.Ordinal);
                if (at < 0)
                {
                    continue;
                }

                var bytes = Samples.Bytes(text[..at]).Concat(new byte[] { 0xC3, 0x28 }).Concat(Samples.Bytes(text[at..])).ToArray();
                Samples.ImportsOrRefuses(() => importer.Import(new MemoryStream(bytes), Samples.Options), $"{importer.Name} invalid UTF-8 before '{target}'");
            }
        }
    }

    [Fact]
    public void Utf16Xml_IsDetectedAndRead()
    {
        var bytes = System.Text.Encoding.Unicode.GetPreamble().Concat(System.Text.Encoding.Unicode.GetBytes(Samples.Xml.Replace("UTF-8", "UTF-16", StringComparison.Ordinal))).ToArray();

        var model = ScheduleImporters.Import(new MemoryStream(bytes), "application/xml", Samples.Options);

        Assert.Equal(2, model.Sessions.Count);
    }

    private static void Collect(JsonNode? node, string path, List<string> paths)
    {
        paths.Add(path);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    Collect(value, path + "." + key, paths);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Collect(array[i], path + "[" + i + "]", paths);
                }

                break;
        }
    }

    private static void Replace(JsonNode root, string path, JsonNode? value)
    {
        if (path == "$")
        {
            return;
        }

        // Walk the same path syntax Collect wrote: .key and [index].
        JsonNode? parent = root;
        var tokens = Tokenize(path[1..]);
        for (var i = 0; i < tokens.Count - 1; i++)
        {
            parent = tokens[i] is int index ? parent![index] : parent![(string)tokens[i]];
        }

        if (tokens[^1] is int last)
        {
            parent!.AsArray()[last] = value;
        }
        else
        {
            parent!.AsObject()[(string)tokens[^1]] = value;
        }
    }

    private static List<object> Tokenize(string path)
    {
        var tokens = new List<object>();
        var current = new StringBuilder();
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == '.')
            {
                if (current.Length > 0) { tokens.Add(current.ToString()); current.Clear(); }
            }
            else if (path[i] == '[')
            {
                if (current.Length > 0) { tokens.Add(current.ToString()); current.Clear(); }
                var close = path.IndexOf(']', i);
                tokens.Add(int.Parse(path[(i + 1)..close], System.Globalization.CultureInfo.InvariantCulture));
                i = close;
            }
            else
            {
                current.Append(path[i]);
            }
        }

        if (current.Length > 0)
        {
            tokens.Add(current.ToString());
        }

        return tokens;
    }
}
