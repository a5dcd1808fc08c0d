using System.Text.RegularExpressions;
using FeedProxy.Formats.Json;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Text;

namespace FeedProxy.Formats.Tests.Import;

/// <summary>Invariants every imported model must satisfy, whatever the source.</summary>
internal static partial class ModelChecks
{
    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")]
    public static partial Regex EmailLike();

    public static void AssertWellFormed(Event model)
    {
        Assert.True(ScheduleId.IsValid(model.Id), model.Id);
        AssertLine(model.Name);
        Assert.NotNull(NodaTime.DateTimeZoneProviders.Tzdb.GetZoneOrNull(model.TimeZone));
        AssertUrl(model.Url);
        AssertUrl(model.ImageUrl);
        AssertText(model.Description);

        AssertIds(model.Tracks.Select(t => t.Id));
        AssertIds(model.Rooms.Select(r => r.Id));
        AssertIds(model.Speakers.Select(s => s.Id));
        AssertIds(model.Sessions.Select(s => s.Id));
        foreach (var t in model.Tracks)
        {
            AssertLine(t.Name);
            Assert.True(t.Color is null || Regex.IsMatch(t.Color, "^#[0-9A-F]{6}$"), t.Color);
        }

        foreach (var r in model.Rooms)
        {
            AssertLine(r.Name);
        }

        foreach (var s in model.Speakers)
        {
            AssertLine(s.Name);
            AssertLine(s.Organisation);
            AssertLine(s.Position);
        }

        var tracks = model.Tracks.ToHashSet();
        var rooms = model.Rooms.ToHashSet();
        var speakers = model.Speakers.ToHashSet();
        foreach (var s in model.Sessions)
        {
            AssertLine(s.Title);
            AssertLine(s.Subtitle);
            AssertText(s.Abstract);
            AssertLine(s.Type);
            AssertLine(s.Language);
            AssertUrl(s.Url);
            AssertUrl(s.ImageUrl);
            AssertUrl(s.VideoUrl);
            AssertUrl(s.StreamUrl);
            AssertUrl(s.SlidesUrl);
            Assert.True(s.End >= s.Start, s.Id);
            Assert.True(s.Track is null || tracks.Contains(s.Track), s.Id);
            Assert.True(s.Room is null || rooms.Contains(s.Room), s.Id);
            Assert.All(s.Speakers, sp => Assert.Contains(sp, speakers));
        }
    }

    /// <summary>
    /// Every address-shaped string left in the serialised model is a fediverse handle
    /// ("@user@host"), never an address (not even a message id in a URL path).
    /// </summary>
    public static void AssertNoEmailAddresses(string serialized)
    {
        foreach (Match m in EmailLike().Matches(serialized))
        {
            var before = m.Index > 0 ? serialized[m.Index - 1] : ' ';
            Assert.True(before is '@', $"e-mail address in the model: {m.Value}");
        }
    }

    /// <summary>
    /// The e-mail addresses in a raw source file: address-shaped strings that are not a
    /// fediverse handle's host part (after '@').
    /// </summary>
    public static IReadOnlySet<string> SourceEmails(string raw) =>
        EmailLike().Matches(raw)
            .Where(m => m.Index == 0 || raw[m.Index - 1] != '@')
            .Select(m => m.Value.ToLowerInvariant())
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>None of <paramref name="emails"/> occurs in the serialised model (case-insensitively).</summary>
    public static void AssertAbsent(IEnumerable<string> emails, string serialized)
    {
        var lower = serialized.ToLowerInvariant();
        Assert.All(emails, e => Assert.False(lower.Contains(e.ToLowerInvariant(), StringComparison.Ordinal), $"e-mail address in the model: {e}"));
    }

    private static void AssertIds(IEnumerable<string> ids)
    {
        var list = ids.ToList();
        Assert.All(list, id => Assert.True(ScheduleId.IsValid(id), id));
        Assert.Equal(list.Count, list.Distinct(StringComparer.Ordinal).Count());
    }

    private static void AssertLine(string? value)
    {
        if (value is not null)
        {
            Assert.True(value.Length > 0 && TextSanitizer.IsClean(value) && !value.Contains('\n') && value == value.Trim(), value);
        }
    }

    private static void AssertText(string? value)
    {
        if (value is not null)
        {
            Assert.True(value.Length > 0 && TextSanitizer.IsClean(value) && value == value.Trim(), value);
        }
    }

    private static void AssertUrl(string? value)
    {
        if (value is not null)
        {
            Assert.True(Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == "http" || uri.Scheme == "https"), value);
        }
    }
}
