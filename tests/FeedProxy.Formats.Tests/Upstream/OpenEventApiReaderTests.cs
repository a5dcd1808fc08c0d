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
