using System.Buffers;
using System.ServiceModel.Syndication;
using System.Xml;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using NodaTime;
using IcalCalendar = Ical.Net.Calendar;

namespace FeedProxy.Benchmarks;

/// <summary>
/// The same schedule rendered by our writers and by the general-purpose libraries: Ical.Net
/// 5.2.4 for iCalendar, System.ServiceModel.Syndication for RSS 2.0 and Atom 1.0. Each
/// library run builds its object model from the session list and serialises it to UTF-8, as
/// the server would have to on a cache miss. The libraries are given the principal properties
/// only (UID, DTSTAMP, times, summary, description, location, category, URL, status,
/// sequence; title, summary, link, id, dates, category), fewer than our writers emit, so the
/// comparison favours them.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class LibraryComparisonBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 20);
    private FeedDocument _document = null!;

    [Params(100, 1_000)]
    public int Sessions { get; set; }

    [GlobalSetup]
    public void Setup() => _document = Documents.For(Sessions);

    [Benchmark(Baseline = true), BenchmarkCategory("ics")]
    public int Ours_ICalendar() => Ours(FeedFormat.ICalendar);

    [Benchmark, BenchmarkCategory("ics")]
    public int IcalNet_ICalendar() => IcalNetRender(_document).Length;

    [Benchmark(Baseline = true), BenchmarkCategory("rss")]
    public int Ours_Rss() => Ours(FeedFormat.Rss);

    [Benchmark, BenchmarkCategory("rss")]
    public int Syndication_Rss() => SyndicationRender(_document, atom: false).Length;

    [Benchmark(Baseline = true), BenchmarkCategory("atom")]
    public int Ours_Atom() => Ours(FeedFormat.Atom);

    [Benchmark, BenchmarkCategory("atom")]
    public int Syndication_Atom() => SyndicationRender(_document, atom: true).Length;

    private int Ours(FeedFormat format)
    {
        _buffer.ResetWrittenCount();
        FeedWriters.For(format).Write(_document, _buffer);
        return _buffer.WrittenCount;
    }

    internal static byte[] IcalNetRender(FeedDocument document)
    {
        var calendar = new IcalCalendar { ProductId = "-//FeedProxy//Benchmark//EN" };
        calendar.AddProperty("X-WR-CALNAME", document.Event.Name);
        foreach (var session in document.Sessions)
        {
            var item = new CalendarEvent
            {
                Uid = $"{session.Id}@{document.UidDomain}",
                DtStamp = Utc(session.LastModified),
                DtStart = Utc(session.Start),
                DtEnd = Utc(session.End),
                Summary = session.Title,
                Description = session.Abstract,
                Location = session.Room?.Name,
                Status = session.State == SessionState.Cancelled ? "CANCELLED" : "CONFIRMED",
                Sequence = session.Revision,
                LastModified = Utc(session.LastModified),
            };
            if (session.Url is { } url)
            {
                item.Url = new Uri(url);
            }

            if (session.Track is { } track)
            {
                item.Categories.Add(track.Name);
            }

            calendar.Events.Add(item);
        }

        return System.Text.Encoding.UTF8.GetBytes(new CalendarSerializer().SerializeToString(calendar)!);
    }

    internal static byte[] SyndicationRender(FeedDocument document, bool atom)
    {
        var feed = new SyndicationFeed(document.Event.Name, document.Event.Description ?? string.Empty, document.PageUrl)
        {
            Id = document.SelfUrl.ToString(),
            LastUpdatedTime = document.Event.LastModified.ToDateTimeOffset(),
        };
        var items = new List<SyndicationItem>(document.Sessions.Count);
        foreach (var session in document.Sessions)
        {
            var item = new SyndicationItem(session.Title, session.Abstract ?? string.Empty, session.Url is null ? document.PageUrl : new Uri(session.Url))
            {
                Id = $"{session.Id}@{document.UidDomain}",
                PublishDate = session.Start.ToDateTimeOffset(),
                LastUpdatedTime = session.LastModified.ToDateTimeOffset(),
            };
            if (session.Track is { } track)
            {
                item.Categories.Add(new SyndicationCategory(track.Name));
            }

            items.Add(item);
        }

        feed.Items = items;
        using var output = new MemoryStream(1 << 20);
        using (var writer = XmlWriter.Create(output, new XmlWriterSettings { Encoding = new System.Text.UTF8Encoding(false) }))
        {
            SyndicationFeedFormatter formatter = atom ? new Atom10FeedFormatter(feed) : new Rss20FeedFormatter(feed);
            formatter.WriteTo(writer);
        }

        return output.ToArray();
    }

    private static CalDateTime Utc(Instant instant) => new(instant.ToDateTimeUtc());
}
