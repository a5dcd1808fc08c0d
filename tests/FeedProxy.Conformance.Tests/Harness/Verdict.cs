using System.Text;
using FeedProxy.Conformance.Tests.Corpus;
using Xunit.Abstractions;

namespace FeedProxy.Conformance.Tests.Harness;

/// <summary>Turns validator results into readable test failures (the first 20 problems).</summary>
internal static class Verdict
{
    public const int Shown = 20;

    /// <summary>False, after saying why in the test output, when the corpus is empty here.</summary>
    public static bool HasDocuments(ConformanceFixture fixture, string corpus, ITestOutputHelper output)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        ArgumentNullException.ThrowIfNull(output);
        if (fixture.LoadFailures.TryGetValue(corpus, out var failure))
        {
            Assert.Fail($"The {corpus} corpus could not be built: {failure}");
        }

        if (fixture.Batch.DocumentCounts.GetValueOrDefault(corpus) > 0)
        {
            return true;
        }

        output.WriteLine(corpus switch
        {
            CorpusKinds.Demo => "SKIPPED: config/events/demo.json does not exist in this checkout; nothing to check.",
            CorpusKinds.Real => "SKIPPED: the real-schedule corpus is empty; RealScheduleCorpus is filled by the importer integration.",
            _ => $"SKIPPED: corpus '{corpus}' is empty.",
        });
        return false;
    }

    /// <summary>Every file of the corpus that the check reads was rendered, read, error-free and (where it counts) holds every session.</summary>
    public static async Task AssertCheckAsync(ConformanceFixture fixture, string corpus, Check check, ITestOutputHelper output)
    {
        ArgumentNullException.ThrowIfNull(check);
        if (!HasDocuments(fixture, corpus, output))
        {
            return;
        }

        var problems = RenderProblems(fixture, corpus, check.Formats);
        var feeds = fixture.Batch.Feeds.Where(f => f.Kind == corpus && check.Reads(f)).ToList();
        var run = await fixture.Run(check.Validator);
        if (run.Failure is not null)
        {
            Assert.Fail(run.Failure);
        }

        var results = run.Of(check.Checker).ToDictionary(r => r.Id, StringComparer.Ordinal);
        var failedFiles = RenderFailureCount(fixture, corpus, check.Formats);
        foreach (var feed in feeds)
        {
            if (!results.TryGetValue(feed.Id, out var result))
            {
                problems.Add($"{feed.Id}: {check.Checker} printed no result for this file");
                failedFiles++;
                continue;
            }

            var before = problems.Count;
            problems.AddRange(result.Errors.Select(e => $"{feed.Id}: {e}"));
            if (check.CountsSessions && result.Count != feed.Items)
            {
                problems.Add($"{feed.Id}: {check.Checker} counted {Show(result.Count)} items, the file has {feed.Items}");
            }

            failedFiles += problems.Count > before ? 1 : 0;
        }

        Report(fixture, $"{check.Checker} ({check.Validator})", problems, failedFiles, feeds.Count + RenderFailureCount(fixture, corpus, check.Formats));
        output.WriteLine($"{check.Checker}: {feeds.Count} {corpus} files clean; {check.Validator} ran {run.Elapsed.TotalSeconds:F1} s for the whole batch.");
    }

    /// <summary>The four iCalendar parsers agree with each other and with the document on the number of events.</summary>
    public static async Task AssertCalendarParsersAgreeAsync(ConformanceFixture fixture, string corpus, ITestOutputHelper output)
    {
        if (!HasDocuments(fixture, corpus, output))
        {
            return;
        }

        var problems = RenderProblems(fixture, corpus, ["ics"]);
        var failedFiles = RenderFailureCount(fixture, corpus, ["ics"]);
        var counts = new Dictionary<string, Dictionary<string, int?>>(StringComparer.Ordinal);
        foreach (var check in Check.CalendarParsers)
        {
            var run = await fixture.Run(check.Validator);
            if (run.Failure is not null)
            {
                Assert.Fail(run.Failure);
            }

            counts[check.Checker] = run.Of(check.Checker).ToDictionary(r => r.Id, r => r.Count, StringComparer.Ordinal);
        }

        var feeds = fixture.Batch.Feeds.Where(f => f.Kind == corpus && f.Variant.ManifestFormat == "ics").ToList();
        foreach (var feed in feeds)
        {
            var seen = Check.CalendarParsers.Select(c => (c.Checker, Count: counts[c.Checker].GetValueOrDefault(feed.Id))).ToList();
            if (seen.Any(s => s.Count != feed.Items))
            {
                failedFiles++;
                problems.Add($"{feed.Id}: {feed.Items} VEVENTs written; VEVENTs seen: {string.Join(", ", seen.Select(s => $"{s.Checker}={Show(s.Count)}"))}");
            }
        }

        Report(fixture, "VEVENT count agreement", problems, failedFiles, feeds.Count + RenderFailureCount(fixture, corpus, ["ics"]));
        output.WriteLine($"{feeds.Count} {corpus} .ics files: icalendar, vobject, libical and ical.js all count every session.");
    }

    /// <summary>Documents of the corpus that failed to render in a variant these formats cover.</summary>
    public static List<string> RenderProblems(ConformanceFixture fixture, string corpus, IReadOnlyCollection<string> formats)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        var variants = FeedVariant.All.Where(v => formats.Contains(v.ManifestFormat)).Select(v => v.Name).ToHashSet(StringComparer.Ordinal);

        // One line per distinct failure: a writer that throws for everything is one problem, not 500.
        return [.. fixture.Batch.Failures
            .Where(f => f.Kind == corpus && variants.Contains(f.Variant))
            .GroupBy(f => (f.Variant, f.Message))
            .Select(g => g.Count() == 1
                ? $"{corpus}/{g.First().Document}/{g.Key.Variant}: rendering failed: {g.Key.Message}"
                : $"{corpus}/{{{string.Join(",", g.Take(3).Select(f => f.Document))}{(g.Count() > 3 ? ",…" : "")}}}/{g.Key.Variant}: rendering failed in {g.Count()} documents: {g.Key.Message}")];
    }

    public static int RenderFailureCount(ConformanceFixture fixture, string corpus, IReadOnlyCollection<string> formats)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        var variants = FeedVariant.All.Where(v => formats.Contains(v.ManifestFormat)).Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        return fixture.Batch.Failures.Count(f => f.Kind == corpus && variants.Contains(f.Variant));
    }

    public static void Report(ConformanceFixture fixture, string what, IReadOnlyList<string> problems, int failedFiles, int files)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        ArgumentNullException.ThrowIfNull(problems);
        if (problems.Count == 0)
        {
            return;
        }

        var message = new StringBuilder()
            .AppendLine($"{what}: {failedFiles} of {files} files failed ({problems.Count} problems; failures to render count as one per variant). First {Math.Min(Shown, problems.Count)}:");
        foreach (var problem in problems.Take(Shown))
        {
            message.Append("  ").AppendLine(problem.Length <= 600 ? problem : problem[..600] + "…");
        }

        message.Append(ConformanceFixture.KeepOutput
            ? $"Rendered feeds, manifest and sidecars are kept in {fixture.Batch.Directory}."
            : "Set FEEDPROXY_CONFORMANCE_KEEP=1 to keep the rendered feeds for inspection.");
        Assert.Fail(message.ToString());
    }

    private static string Show(int? count) => count?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none";
}
