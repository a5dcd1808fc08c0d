using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.Pages;

/// <summary>The subscribe page offers "remind me 10 min / 1 h before"; the choice reaches the calendar links only.</summary>
public sealed class ReminderChoiceTests(FeedProxyFactory factory) : IClassFixture<FeedProxyFactory>
{
    private readonly HttpClient _client = factory.CreatePlainClient();

    [Fact]
    public async Task Page_OffersTenMinutesAndOneHour()
    {
        var page = await _client.GetDocumentAsync("/events/testconf");

        var choices = page.QuerySelectorAll("input[type=radio][name=alarm]").Select(i => i.GetAttribute("value")).ToList();
        Assert.Equal(["none", "-PT10M", "-PT1H"], choices);
        Assert.True(page.QuerySelector("input[name=alarm][value=none]")!.HasAttribute("checked"));
    }

    [Fact]
    public async Task ChosenReminder_ReachesCalendarLinks_NotSyndication()
    {
        var page = await _client.GetDocumentAsync("/events/testconf?alarm=-PT10M&track=security");
        var links = page.QuerySelectorAll("#format-list a").Select(a => a.GetAttribute("href")!).ToList();

        Assert.True(page.QuerySelector("input[name=alarm][value='-PT10M']")!.HasAttribute("checked"));
        Assert.Contains(links, l => l.EndsWith(".ics?track=security&alarm=-PT10M", StringComparison.Ordinal));
        Assert.Contains(links, l => l.EndsWith(".json?track=security&alarm=-PT10M", StringComparison.Ordinal));
        Assert.Contains(links, l => l.EndsWith(".rss?track=security", StringComparison.Ordinal));
        Assert.DoesNotContain(links, l => l.Contains("pentabarf", StringComparison.Ordinal) && l.Contains("alarm", StringComparison.Ordinal));
        foreach (var link in links)
        {
            using var response = await _client.GetAsync(new Uri(link).PathAndQuery);
            Assert.True(response.IsSuccessStatusCode, $"{link} -> {(int)response.StatusCode}");
        }

        using var html = await _client.GetAsBrowserAsync("/events/testconf?alarm=-PT10M&track=security");
        Assert.Contains("webcal://localhost/events/testconf.ics?track=security&amp;alarm=-PT10M", await html.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
