using System.ServiceModel.Syndication;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using FeedProxy.Formats.Import;
using FeedProxy.Formats.Model;
using NodaTime;

namespace FeedProxy.Formats.Upstream;

/// <summary>
/// Reads an RSS 2.0 or Atom events feed with System.ServiceModel.Syndication. An item's start is
/// the first of: the RSS event module (<c>ev:startdate</c>), xCal inside the item
/// (<c>dtstart</c>), the campus app's alternates (<c>start_date</c>, <c>startDate</c>,
/// <c>start</c>, <c>startdate</c>), an h-event <c>dt-start</c> or <c>data-start</c> inside the
/// item's HTML (Campus Labs Engage, Discourse), and finally <c>pubdate</c>/<c>pubDate</c>/
/// <c>published</c>, which the campus app reads as the event start (seed 002). The end likewise
/// (<c>ev:enddate</c>, <c>dtend</c>, <c>endDate</c>, <c>dt-end</c>, <c>data-end</c>), else three
/// hours after a timed start (the campus app's default) or the whole day of a date-only one.
/// Items without any start are skipped. Dates are read leniently (<see cref="LenientDates"/>);
/// DTDs are ignored, never resolved.
/// </summary>
public static partial class SyndicationSourceReader
{
    private const string EventModule = "http://purl.org/rss/1.0/modules/event/";
    private const string MediaRss = "http://search.yahoo.com/mrss/";
    private static readonly string[] StartNames = ["start_date", "startdate", "start"];
    private static readonly string[] EndNames = ["end_date", "enddate", "end"];

    /// <exception cref="ImportException">Not well-formed XML, not RSS or Atom, or over the limits.</exception>
    public static Event Read(ReadOnlySpan<byte> body, UpstreamReadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var bytes = body.ToArray();
        var zone = ScheduleTime.Zone(options.TimeZone) ?? DateTimeZone.Utc;
        SyndicationFeed feed;
        try
        {
            CheckShape(bytes);
            using var reader = XmlReader.Create(new MemoryStream(bytes), Settings());
            SyndicationFeedFormatter formatter = new Atom10FeedFormatter();
            if (!formatter.CanRead(reader))
            {
                formatter = new Rss20FeedFormatter();
            }

            if (!formatter.CanRead(reader))
            {
                throw new ImportException("Not an RSS 2.0 or Atom feed.");
            }

            formatter.DateTimeParser = (XmlDateTimeData data, out DateTimeOffset value) =>
            {
                value = LenientDates.Parse(data.DateTimeString, zone) is { } t ? t.Instant.ToDateTimeOffset() : DateTimeOffset.MinValue;
                return true;
            };
            formatter.UriParser = (XmlUriData data, out Uri? value) =>
            {
                value = Uri.TryCreate(data.UriString?.Trim(), UriKind.RelativeOrAbsolute, out var uri) ? uri : new Uri("urn:invalid");
                return true;
            };
            formatter.ReadFrom(reader);
            feed = formatter.Feed;
        }
        catch (XmlException e)
        {
            throw new ImportException($"Not a well-formed feed: {e.Message}", null, e.LineNumber, e.LinePosition, e);
        }
        catch (Exception e) when (e is not ImportException and not OutOfMemoryException)
        {
            throw new ImportException("Not a readable RSS or Atom feed: " + e.Message, e);
        }

        return ScheduleTime.InRange(() => Map(feed, zone, options));
    }

    private static XmlReaderSettings Settings() => new()
    {
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
        MaxCharactersFromEntities = 1024,
        MaxCharactersInDocument = UpstreamLimits.MaxCharacters,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    /// <summary>One streaming pass that bounds nesting depth and item count before the object model is built.</summary>
    private static void CheckShape(byte[] bytes)
    {
        using var reader = XmlReader.Create(new MemoryStream(bytes), Settings());
        var items = 0;
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            if (reader.Depth > UpstreamLimits.MaxDepth)
            {
                throw new ImportException("The feed nests elements too deeply.");
            }

            if (reader.LocalName is "item" or "entry" && ++items > UpstreamLimits.MaxItems)
            {
                throw new ImportException($"The feed has more than {UpstreamLimits.MaxItems} items.");
            }
        }
    }

    private static Event Map(SyndicationFeed feed, DateTimeZone zone, UpstreamReadOptions options)
    {
        var alternate = feed.Links.FirstOrDefault(l => l.RelationshipType is null or "alternate")?.Uri is { IsAbsoluteUri: true } alt ? alt : null;
        var baseUri = alternate ?? options.SourceUrl;
        var builder = new ScheduleBuilder();
        var items = feed.Items
            .Select(item => ToSession(item, zone, builder, baseUri, options))
            .Where(s => s is not null)
            .Select(s => s!)
            .OrderBy(s => s.Start)
            .ThenBy(s => s.Id, StringComparer.Ordinal)
            .ToList();
        items.ForEach(builder.Add);

        var name = ImportText.Line(feed.Title?.Text) ?? options.SourceUrl?.Host ?? options.EventId;
        return builder.Build(new Event
        {
            Id = options.EventId,
            Name = name,
            Description = ImportText.Text(feed.Description?.Text),
            // The feed's own page, never the source URL itself (it may carry a secret).
            Url = ImportText.Url(alternate is not null && alternate != options.SourceUrl ? alternate.AbsoluteUri : null),
            TimeZone = zone.Id,
            ImageUrl = ImportText.Url(feed.ImageUrl?.IsAbsoluteUri == true ? feed.ImageUrl.AbsoluteUri : null),
            LastModified = options.ReadAt,
        });
    }

    private static Session? ToSession(SyndicationItem item, DateTimeZone zone, ScheduleBuilder builder, Uri? baseUri, UpstreamReadOptions options)
    {
        var extensions = item.ElementExtensions.Select(Element).Where(e => e is not null).Select(e => e!).ToList();
        var html = string.Join('\n', new[] { item.Summary?.Text, (item.Content as TextSyndicationContent)?.Text, Local(extensions, "encoded")?.Value }.Where(t => t is not null));
        var dataZone = DataTimeZone().Match(html) is { Success: true } z ? CalendarZones.Iana(z.Groups[1].Value) : null;
        var itemZone = dataZone ?? zone;

        var start = Time(In(extensions, EventModule, "startdate"), zone)
            ?? Time(XCal(extensions, "dtstart"), zone)
            ?? StartNames.Select(n => Time(Local(extensions, n)?.Value, zone)).FirstOrDefault(t => t is not null)
            ?? Time(Microformat(html, "dt-start"), itemZone)
            ?? Time(DataAttribute(html, "data-start"), itemZone)
            ?? Time(Local(extensions, "pubdate")?.Value, zone)
            ?? (item.PublishDate > DateTimeOffset.MinValue ? new FeedTime(Instant.FromDateTimeOffset(item.PublishDate), false) : null);
        if (start is not { } s)
        {
            return null;
        }

        var end = Time(In(extensions, EventModule, "enddate"), zone)
            ?? Time(XCal(extensions, "dtend"), zone)
            ?? EndNames.Select(n => Time(Local(extensions, n)?.Value, zone)).FirstOrDefault(t => t is not null)
            ?? Time(Microformat(html, "dt-end"), itemZone)
            ?? Time(DataAttribute(html, "data-end"), itemZone);
        var endInstant = end switch
        {
            { DateOnly: true } e => e.Instant + Duration.FromDays(1), // an inclusive last day
            { } e => e.Instant,
            null when s.DateOnly => s.Instant + Duration.FromDays(1),
            null => s.Instant + Duration.FromHours(3), // the campus app's default (seed 002)
        };
        if (endInstant < s.Instant)
        {
            endInstant = s.Instant;
        }

        var link = item.Links.FirstOrDefault(l => l.RelationshipType is null or "alternate")?.Uri;
        var url = ImportText.Url(link?.IsAbsoluteUri == true ? link.AbsoluteUri : link?.OriginalString, baseUri);
        var title = ImportText.Line(item.Title?.Text) ?? "(untitled)";
        var seed = TextOrNull(item.Id) ?? url ?? $"{title}|{s.Instant}";
        var location = In(extensions, EventModule, "location") ?? XCal(extensions, "location") ?? Local(extensions, "location")?.Value;
        return new Session
        {
            Id = builder.SessionId(seed, TextOrNull(item.Id)),
            Title = title,
            Abstract = ImportText.Text(html.Length == 0 ? null : html),
            Start = s.Instant,
            End = endInstant,
            Track = builder.Track(item.Categories.FirstOrDefault()?.Name),
            Room = builder.Room(location),
            Url = url,
            ImageUrl = Image(item, extensions, baseUri),
            LastModified = item.LastUpdatedTime > DateTimeOffset.MinValue && Instant.FromDateTimeOffset(item.LastUpdatedTime) < options.ReadAt
                ? Instant.FromDateTimeOffset(item.LastUpdatedTime)
                : options.ReadAt,
        };
    }

    private static string? Image(SyndicationItem item, List<XElement> extensions, Uri? baseUri)
    {
        var candidates = new List<string?>
        {
            Local(extensions, "image") is { } image ? image.Elements().FirstOrDefault(e => e.Name.LocalName == "url")?.Value ?? image.Value : null,
            extensions.FirstOrDefault(e => e.Name.NamespaceName == MediaRss && e.Name.LocalName is "content" or "thumbnail")?.Attribute("url")?.Value,
            item.Links.FirstOrDefault(l => l.RelationshipType == "enclosure" && (l.MediaType?.StartsWith("image", StringComparison.OrdinalIgnoreCase) ?? false))?.Uri?.OriginalString,
        };
        return candidates.Select(c => ImportText.Url(c, baseUri)).FirstOrDefault(u => u is not null);
    }

    private static FeedTime? Time(string? text, DateTimeZone zone) => LenientDates.Parse(text, zone);

    private static XElement? Element(SyndicationElementExtension extension)
    {
        try
        {
            using var reader = extension.GetReader();
            return reader.MoveToContent() == XmlNodeType.Element ? XNode.ReadFrom(reader) as XElement : null;
        }
        catch (XmlException)
        {
            return null;
        }
    }

    private static XElement? Local(List<XElement> elements, string localName) =>
        elements.FirstOrDefault(e => string.Equals(e.Name.LocalName, localName, StringComparison.OrdinalIgnoreCase) && e.Name.NamespaceName != EventModule && !IsXCal(e));

    private static string? In(List<XElement> elements, string ns, string localName) =>
        elements.FirstOrDefault(e => e.Name.NamespaceName == ns && string.Equals(e.Name.LocalName, localName, StringComparison.OrdinalIgnoreCase))?.Value;

    /// <summary>dtstart/dtend/location of xCal in the item, in either dialect: the conference one (bare text) or RFC 6321 (a value-type child).</summary>
    private static string? XCal(List<XElement> elements, string property)
    {
        foreach (var element in elements)
        {
            var match = (IsXCal(element) && element.Name.LocalName == property ? element : null)
                ?? element.Descendants().FirstOrDefault(d => IsXCal(d) && d.Name.LocalName == property);
            if (match is not null)
            {
                var typed = match.Elements().FirstOrDefault(c => c.Name.LocalName is "date-time" or "date" or "text");
                return (typed ?? match).Value;
            }
        }

        return null;
    }

    private static bool IsXCal(XElement e) =>
        e.Name.NamespaceName.Contains("xcal", StringComparison.OrdinalIgnoreCase)
        || e.Name.NamespaceName.Equals("urn:ietf:params:xml:ns:icalendar-2.0", StringComparison.Ordinal);

    private static string? Microformat(string html, string className)
    {
        foreach (Match m in TimeElement().Matches(html))
        {
            if (m.Groups["class"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(className, StringComparer.Ordinal))
            {
                return System.Net.WebUtility.HtmlDecode(m.Groups["datetime"].Value);
            }
        }

        return null;
    }

    private static string? DataAttribute(string html, string name)
    {
        var m = Regex.Match(html, Regex.Escape(name) + "=\"([^\"]{4,40})\"", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return m.Success ? System.Net.WebUtility.HtmlDecode(m.Groups[1].Value) : null;
    }

    private static string? TextOrNull(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex("<time\\b(?=[^>]*\\bclass=\"(?<class>[^\"]*)\")(?=[^>]*\\bdatetime=\"(?<datetime>[^\"]*)\")[^>]*>", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 1000)]
    private static partial Regex TimeElement();

    [GeneratedRegex("data-timezone=\"([^\"]{1,64})\"", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex DataTimeZone();
}
