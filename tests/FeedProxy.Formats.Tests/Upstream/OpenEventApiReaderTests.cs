using System.Text;
using FeedProxy.Formats.Json;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Tests.Import;
using FeedProxy.Formats.Upstream;
using FeedProxy.Testing;
using NodaTime;

namespace FeedProxy.Formats.Tests.Upstream;

public sealed class OpenEventApiReaderTests
{
    private static readonly UpstreamReadOptions Options = new() { EventId = "oes", ReadAt = Instant.FromUtc(2027, 1, 5, 0, 0) };

    private static List<byte[]> Pages(int size)
    {
        var pages = new List<byte[]>();
        for (var number = 1; ; number++)
        {
            var page = Encoding.UTF8.GetBytes(OpenEventApiSample.SessionsPage("https://oes.example/v1/events/x/sessions", number, size));
            pages.Add(page);
            if (!OpenEventApiReader.HasNextPage(page))
            {
                return pages;
            }
        }
    }

    [Fact]
    public void PagedSessions_OnlyAcceptedAndConfirmed_NeverDeleted_NoContactData()
    {
        var pages = Pages(OpenEventApiReader.PageSize);
        var model = OpenEventApiReader.Read(Encoding.UTF8.GetBytes(OpenEventApiSample.EventDocument()), pages, Options);

        Assert.Equal(2, pages.Count);
        Assert.Equal(OpenEventApiSample.PublicCount(OpenEventApiSample.SessionCount), model.Sessions.Count);
        Assert.All(model.Sessions, s => Assert.True(s.State.IsPublic()));
        Assert.DoesNotContain(model.Sessions, s => s.Id == "8");
        Assert.Equal("Asia/Singapore", model.TimeZone);
        Assert.Equal("oes", model.Id);
        var first = model.Sessions.Single(s => s.Id == "1");
        Assert.Equal("Hall 2", first.Room?.Name);
        Assert.Equal("Track 2", first.Track?.Name);
        Assert.Equal("Talk", first.Type);
        Assert.Equal("Speaker 2", Assert.Single(first.Speakers).Name);
        var json = System.Text.Json.JsonSerializer.Serialize(EventJsonWriter.FromModel(model), EventJsonContext.Default.EventJson);
        ModelChecks.AssertNoEmailAddresses(json);
        Assert.DoesNotContain("5555", json, StringComparison.Ordinal);
        ModelChecks.AssertWellFormed(model);
    }

    [Fact]
    public void SessionsUrl_AsksForTheIncludesTheStateFilterAndAPage()
    {
        var url = OpenEventApiReader.SessionsUrl(new Uri("https://oes.example/v1/events/b8324ae2"), 3).ToString();

        Assert.StartsWith("https://oes.example/v1/events/b8324ae2/sessions?include=speakers,microlocation,track,session-type&filter=", url, StringComparison.Ordinal);
        Assert.Contains("page[number]=3", Uri.UnescapeDataString(url), StringComparison.Ordinal);
        Assert.Contains("\"accepted\",\"confirmed\"", Uri.UnescapeDataString(url), StringComparison.Ordinal);
        // Without a sort the server's list query has no ORDER BY, and pages shift under edits.
        Assert.Contains("&sort=id&", url, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://oes.example/v1/events/b8324ae2/", "https://oes.example/v1/events/b8324ae2")]
    [InlineData("https://oes.example/v1/events/b8324ae2//", "https://oes.example/v1/events/b8324ae2")]
    [InlineData("https://oes.example/v1/events/b8324ae2", "https://oes.example/v1/events/b8324ae2")]
    [InlineData("https://oes.example/v1/events/b8324ae2/?x=1", "https://oes.example/v1/events/b8324ae2?x=1")]
    public void EventUrl_HasNoTrailingSlash_WhichTheServerAnswers404(string declared, string expected) =>
        Assert.Equal(expected, OpenEventApiReader.EventUrl(new Uri(declared)).AbsoluteUri);

    [Fact]
    public void Describe_ReadsIdsCountAndRelativeNextLinks()
    {
        var first = OpenEventApiReader.Describe(Encoding.UTF8.GetBytes(OpenEventApiSample.SessionsPage("/v1/events/x/sessions", 1, 100)));
        var last = OpenEventApiReader.Describe(Encoding.UTF8.GetBytes(OpenEventApiSample.SessionsPage("/v1/events/x/sessions", 2, 100)));

        Assert.Equal(100, first.Ids.Count);
        Assert.Equal("1", first.Ids[0]);
        Assert.Equal(OpenEventApiSample.SessionCount, first.Count);
        Assert.True(first.HasNext);
        Assert.Equal(OpenEventApiSample.SessionCount - 100, last.Ids.Count);
        Assert.False(last.HasNext);
    }

    [Fact]
    public void SpeakerPositionAndRoomFloor_AreKept_SoftDeletedTracksRoomsAndTypes_Ignored()
    {
        var model = OpenEventApiReader.Read(Encoding.UTF8.GetBytes(OpenEventApiSample.EventDocument()), Pages(OpenEventApiReader.PageSize), Options);

        var first = model.Sessions.Single(s => s.Id == "1");
        Assert.Equal("Maintainer", Assert.Single(first.Speakers).Position);
        Assert.Equal(1, first.Room?.Floor);
        // Session 9's track (5), session 15's room (hall 4) and session 50's type (2) are soft-deleted upstream.
        Assert.Null(model.Sessions.Single(s => s.Id == "9").Track);
        Assert.Null(model.Sessions.Single(s => s.Id == "15").Room);
        Assert.Null(model.Sessions.Single(s => s.Id == "50").Type);
        Assert.DoesNotContain(model.Tracks, t => t.Name == "Track 5");
        Assert.DoesNotContain(model.Rooms, r => r.Name == "Hall 4");
    }

    [Fact]
    public void ASessionOnTwoPages_CountsOnce_AsLastRead()
    {
        var page1 = Encoding.UTF8.GetBytes(OpenEventApiSample.SessionsPage("/v1/events/x/sessions", 1, 100, [.. Enumerable.Range(1, 150)], _ => string.Empty));
        // Edited between the two reads: session 1 moved to the end, with its new title.
        List<int> moved = [.. Enumerable.Range(2, 149), 1];
        var page2 = Encoding.UTF8.GetBytes(OpenEventApiSample.SessionsPage("/v1/events/x/sessions", 2, 100, moved, i => i == 1 ? " (new room)" : string.Empty));

        var model = OpenEventApiReader.Read(Encoding.UTF8.GetBytes(OpenEventApiSample.EventDocument()), [page1, page2], Options);

        Assert.Equal("Session 1 (accepted) (new room)", Assert.Single(model.Sessions, s => s.Id == "1").Title);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{\"errors\":[{\"status\":404}]}")]
    public void NotAnEventDocument_IsAnImportException(string text)
    {
        Assert.Throws<FeedProxy.Formats.Import.ImportException>(() => OpenEventApiReader.Read(Encoding.UTF8.GetBytes(text), [], Options));
    }
}
