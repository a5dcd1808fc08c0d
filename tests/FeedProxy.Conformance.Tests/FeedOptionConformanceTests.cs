using System.Diagnostics;
using FeedProxy.Conformance.Tests.Corpus;
using FeedProxy.Conformance.Tests.Harness;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Search;
using Xunit.Abstractions;

namespace FeedProxy.Conformance.Tests;

/// <summary>
/// Subscriber options over every corpus: an exclusion is exactly the complement of the same
/// positive filter, a search exactly the sessions containing its words, and both together
/// their intersection; alarms are read by khal as well (the four parsers check them in the
/// alarm variants of the batch).
/// </summary>
[Collection(ConformanceGroup.Name)]
public sealed class FeedOptionConformanceTests(ConformanceFixture fixture, ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(CorpusKinds.All), MemberType = typeof(CorpusKinds))]
    public void ExclusionAndSearch_GiveExactlyTheComplementAndTheSubset(string corpus)
    {
        var checkedDocuments = 0;
        foreach (var source in Documents(corpus))
        {
            var schedule = source.Document.Event;
            if (source.Document.Origins is not null || schedule.Sessions.Count == 0)
            {
                continue; // collections merge events: their members are checked as events
            }

            var zone = NodaTime.DateTimeZoneProviders.Tzdb.GetZoneOrNull(schedule.TimeZone) ?? NodaTime.DateTimeZone.Utc;
            var policy = new SelectionPolicy();
            var all = Uids(FeedSelection.Select(schedule, policy, CorpusDocument.Now, mode: RecurrenceMode.Expand), source);
            var visible = FeedSelection.Visible(schedule, policy, CorpusDocument.Now);
            var dimensions = new List<SessionFilter>();
            if (visible.Select(s => s.Track?.Id).FirstOrDefault(t => t is not null) is { } track) { dimensions.Add(new SessionFilter { Tracks = [track] }); }
            if (visible.Select(s => s.Room?.Id).FirstOrDefault(r => r is not null) is { } room) { dimensions.Add(new SessionFilter { Rooms = [room] }); }
            if (visible.SelectMany(s => s.Speakers).Select(s => s.Id).FirstOrDefault() is { } speaker) { dimensions.Add(new SessionFilter { Speakers = [speaker] }); }
            if (visible.Count > 0) { dimensions.Add(new SessionFilter { Days = [visible[0].Start.InZone(zone).Date] }); }

            var word = visible.Select(s => s.Title).Select(t => TextQuery.TryParse(t, out var q, out _) ? q!.Words[0] : null).FirstOrDefault(w => w is not null);
            TextQuery? search = word is not null && TextQuery.TryParse(word, out var parsed, out _) ? parsed : null;
            var found = search is null ? null : Uids(FeedSelection.Select(schedule, policy, CorpusDocument.Now, new SessionFilter { Search = search }, RecurrenceMode.Expand), source);
            if (search is not null)
            {
                var expected = Uids(FeedSelection.Select(schedule, policy, CorpusDocument.Now, mode: RecurrenceMode.Expand).Where(search.Matches).ToList(), source);
                Assert.Equal(expected, found);
                Assert.Subset(all, found!);
                Assert.NotEmpty(found!);
            }

            foreach (var positive in dimensions)
            {
                var kept = Uids(FeedSelection.Select(schedule, policy, CorpusDocument.Now, positive, RecurrenceMode.Expand), source);
                var excluded = Uids(FeedSelection.Select(schedule, policy, CorpusDocument.Now, new SessionFilter { Excluded = positive }, RecurrenceMode.Expand), source);
                Assert.Empty(kept.Intersect(excluded));
                Assert.Equal(all, kept.Union(excluded).ToHashSet());
                if (found is not null)
                {
                    var both = Uids(FeedSelection.Select(schedule, policy, CorpusDocument.Now, new SessionFilter { Excluded = positive, Search = search }, RecurrenceMode.Expand), source);
                    Assert.Equal(excluded.Intersect(found).ToHashSet(), both);
                }
            }

            checkedDocuments++;
        }

        output.WriteLine($"{checkedDocuments} {corpus} schedules checked");
        Assert.True(corpus == CorpusKinds.Collection || checkedDocuments > 0 || fixture.LoadFailures.ContainsKey(corpus), $"no {corpus} schedule was checked");
    }

    [Fact]
    public async Task Khal_ReadsTheAlarmsOfTheDemoFeeds()
    {
        if (!File.Exists("/usr/bin/khal"))
        {
            output.WriteLine("khal is not installed: skipped (apt-get install khal to run it).");
            return;
        }

        var directory = Directory.CreateTempSubdirectory("feedproxy-khal-");
        try
        {
            var config = Path.Combine(directory.FullName, "config");
            Directory.CreateDirectory(Path.Combine(directory.FullName, "calendar"));
            await File.WriteAllTextAsync(config, $"""
                [calendars]
                [[feeds]]
                path = {directory.FullName}/calendar
                [locale]
                timeformat = %H:%M
                dateformat = %Y-%m-%d
                longdateformat = %Y-%m-%d
                datetimeformat = %Y-%m-%d %H:%M
                longdatetimeformat = %Y-%m-%d %H:%M
                default_timezone = UTC
                local_timezone = UTC
                [sqlite]
                path = {directory.FullName}/khal.db
                """);
            var feeds = fixture.Batch.Feeds.Where(f => f.Kind == CorpusKinds.Demo && f.Variant.Name == FeedVariant.IcsAlarms && f.Items > 0).ToList();
            Assert.NotEmpty(feeds);
            foreach (var feed in feeds)
            {
                var path = Path.Combine(fixture.Batch.Directory, feed.RelativePath);
                var text = await File.ReadAllTextAsync(path);
                var start = new ProcessStartInfo("/usr/bin/khal") { RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var argument in new[] { "-c", config, "printics", "--format", "{alarm-symbol}|{title}", path })
                {
                    start.ArgumentList.Add(argument);
                }

                using var process = Process.Start(start)!;
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                await process.WaitForExitAsync();
                var lines = (await stdout).Split('\n').Skip(1).Where(l => l.Contains('|', StringComparison.Ordinal)).ToList();
                Assert.True(process.ExitCode == 0, $"{feed.Id}: khal exited {process.ExitCode}: {await stderr}");
                var withAlarm = lines.Count(l => l.StartsWith(" ⏰", StringComparison.Ordinal) || l.StartsWith('⏰'));
                var cancelled = System.Text.RegularExpressions.Regex.Count(text, "STATUS:CANCELLED");
                Assert.True(withAlarm >= lines.Count - cancelled && withAlarm > 0, $"{feed.Id}: {withAlarm} of {lines.Count} events have alarms in khal ({cancelled} cancelled)");
            }

            output.WriteLine($"khal read the alarms of {feeds.Count} demo feeds");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private IEnumerable<CorpusDocument> Documents(string corpus) =>
        fixture.Batch.Feeds.Where(f => f.Kind == corpus).Select(f => f.Source).Distinct();

    private static HashSet<string> Uids(IReadOnlyList<Session> sessions, CorpusDocument source) =>
        sessions.Select(s => source.Document.UidOf(s)).ToHashSet(StringComparer.Ordinal);
}
