using System.Text;
using FeedProxy.Feeds;
using FeedProxy.Feeds.Progressive;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;
using NodaTime;

namespace FeedProxy.Tests.Feeds;

/// <summary>
/// A render hashed and compressed while it is written must make exactly the bytes of a render
/// followed by its compression: the identity, its hash (the ETag) and the coding asked for.
/// </summary>
public sealed class ProgressiveRenderTests
{
    private static readonly FeedDocument Large = Document(2_000);

    // Codings by number: the enum is internal to the server.
    public static TheoryData<FeedFormat, int> Cases()
    {
        var cases = new TheoryData<FeedFormat, int>();
        foreach (var format in Enum.GetValues<FeedFormat>())
        {
            foreach (var coding in Enum.GetValues<ContentCoding>())
            {
                cases.Add(format, (int)coding);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task MakesTheBytesOfARenderThenACompression(FeedFormat format, int codingNumber)
    {
        var coding = (ContentCoding)codingNumber;
        var expected = FeedRenderer.Render(Large, format);
        Assert.True(expected.Identity.Length > 2 * ProgressiveBufferWriter.BlockSize, $"{format}: {expected.Identity.Length} bytes");

        // A right-sized buffer, and one far too small (it grows while the reader reads).
        foreach (var hint in new[] { expected.Identity.Length + 1024, 4 * 1024 })
        {
            var feed = await ProgressiveRender.RenderAsync(Large, format, hint, coding);

            Assert.Equal(expected.Identity.ToArray(), feed.Identity.ToArray());
            Assert.Equal(expected.Hash, feed.Hash);
            Assert.True(feed.CodingsPending);
            Assert.True(feed.Has(coding));
            Assert.Equal(expected.Body(coding).ToArray(), feed.Body(coding).ToArray());
            var complete = FeedRenderer.Complete(feed);
            Assert.False(complete.CodingsPending);
            Assert.Equal(expected.Gzip.ToArray(), complete.Gzip.ToArray());
            Assert.Equal(expected.Brotli.ToArray(), complete.Brotli.ToArray());
        }
    }

    [Fact]
    public async Task CompressingBlockByBlock_CostsNoCompression()
    {
        // Brotli at low quality compresses each write on its own; in small blocks the body
        // came out 14% larger than from one write of the whole.
        var feed = await ProgressiveRender.RenderAsync(Large, FeedFormat.ICalendar, 64 * 1024, ContentCoding.Brotli);
        var whole = new MemoryStream();
        using (var brotli = new System.IO.Compression.BrotliStream(whole, new System.IO.Compression.BrotliCompressionOptions { Quality = 1 }, leaveOpen: true))
        {
            brotli.Write(feed.Identity.Span);
        }

        Assert.InRange(feed.Brotli.Length, 1, whole.Length * 102 / 100);
    }

    [Fact]
    public async Task ASmallFeed_MatchesTheRenderOneStepAfterTheOther()
    {
        var small = Document(0);
        var expected = FeedRenderer.With(FeedRenderer.RenderIdentity(small, FeedFormat.JCal), ContentCoding.Brotli);

        var feed = await ProgressiveRender.RenderAsync(small, FeedFormat.JCal, 1024, ContentCoding.Brotli);

        Assert.Equal(expected.Identity.ToArray(), feed.Identity.ToArray());
        Assert.Equal(expected.Hash, feed.Hash);
        Assert.Equal(expected.CodingsPending, feed.CodingsPending);
        Assert.Equal(expected.Brotli.ToArray(), feed.Brotli.ToArray());
        Assert.True(feed.Gzip.IsEmpty);
    }

    [Fact]
    public async Task TheReader_SeesEveryByteInOrder_WhileTheBufferGrows()
    {
        var source = new byte[3 * 1024 * 1024 + 17];
        new Random(13).NextBytes(source);
        using var writer = new ProgressiveBufferWriter(1024);
        var read = new MemoryStream();
        var blocks = new List<int>();
        var reading = Task.Factory.StartNew(() => writer.ReadAll(block =>
        {
            blocks.Add(block.Length);
            read.Write(block.Span);
        }), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var random = new Random(7);
        for (var offset = 0; offset < source.Length;)
        {
            var count = Math.Min(random.Next(1, 40_000), source.Length - offset);
            source.AsSpan(offset, count).CopyTo(writer.GetSpan(count));
            writer.Advance(count);
            offset += count;
        }

        writer.Complete();
        await reading.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(source, read.ToArray());
        Assert.Equal(source, writer.WrittenMemory.ToArray());
        Assert.All(blocks.SkipLast(1), length => Assert.Equal(ProgressiveBufferWriter.BlockSize, length));
    }

    [Fact]
    public async Task AWriterThatStopsHalfway_NeverLeavesTheReaderWaiting()
    {
        using var writer = new ProgressiveBufferWriter(1024);
        var total = 0;
        var reading = Task.Factory.StartNew(() => writer.ReadAll(block => total += block.Length), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        writer.GetSpan(100_000).Fill((byte)'x');
        writer.Advance(100_000);

        writer.Complete();   // what a failing render's finally does
        await reading.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(100_000, total);
    }

    [Fact]
    public void TheWrittenBytes_AreNotHandedOutBeforeTheEnd()
    {
        using var writer = new ProgressiveBufferWriter(1024);
        writer.Advance(0);

        Assert.Throws<InvalidOperationException>(() => writer.WrittenMemory);
    }

    private static FeedDocument Document(int sessions)
    {
        var start = Instant.FromUtc(2026, 6, 1, 9, 0);
        var track = new Track { Id = "t", Name = "Track" };
        var room = new Room { Id = "r", Name = "Room" };
        var list = Enumerable.Range(0, sessions).Select(i => new Session
        {
            Id = "s" + i,
            Title = $"Session {i}: parsing calendars, safely",
            Abstract = new StringBuilder().Insert(0, $"Paragraph {i} about feeds, time zones and caches. ", 4 + i % 9).ToString(),
            Start = start + Duration.FromMinutes(30 * i),
            End = start + Duration.FromMinutes(30 * i + 25),
            Track = track,
            Room = room,
            Url = $"https://example.org/sessions/{i}",
            LastModified = start,
        }).ToList();
        var ev = new Event
        {
            Id = "large",
            Name = "Large",
            TimeZone = "Europe/Berlin",
            LastModified = start,
            Tracks = [track],
            Rooms = [room],
            Sessions = list,
        };
        return new FeedDocument
        {
            Event = ev,
            Sessions = list,
            SelfUrl = new Uri("http://localhost/events/large.ics"),
            UidDomain = "localhost",
        };
    }
}
