using FeedProxy.Changes;
using FeedProxy.Formats.Changes;
using NodaTime;

namespace FeedProxy.Tests.Changes;

public sealed class ChangeDetectorTests
{
    private static readonly Instant At = Instant.FromUtc(2027, 1, 1, 12, 0);

    private static Dictionary<string, SessionView> Views(params (string Id, SessionView View)[] sessions) =>
        sessions.ToDictionary(s => s.Id, s => s.View, StringComparer.Ordinal);

    private static SessionView View(string title = "Talk", long start = 1000, long end = 2000, string? room = "A", string? speakers = "Ann") =>
        new(title, start, end, room, speakers);

    [Fact]
    public void IdenticalViews_GiveNoChange() =>
        Assert.Empty(ChangeDetector.Compare("e", Views(("s", View())), Views(("s", View())), At));

    [Fact]
    public void NewTimeAndRoom_IsExactlyOneMovedChangeWithBothSlots()
    {
        var change = Assert.Single(ChangeDetector.Compare("e", Views(("s", View())), Views(("s", View(start: 5000, end: 6000, room: "B"))), At));
        Assert.Equal(ChangeKind.Moved, change.Kind);
        Assert.Equal((Instant.FromUnixTimeSeconds(1000), Instant.FromUnixTimeSeconds(2000), "A"), (change.OldStart!.Value, change.OldEnd!.Value, change.OldRoom));
        Assert.Equal((Instant.FromUnixTimeSeconds(5000), Instant.FromUnixTimeSeconds(6000), "B"), (change.NewStart!.Value, change.NewEnd!.Value, change.NewRoom));
    }

    [Fact]
    public void EachKindIsNamed()
    {
        var changes = ChangeDetector.Compare(
            "e",
            Views(("gone", View()), ("renamed", View()), ("people", View())),
            Views(("new", View()), ("renamed", View(title: "Better")), ("people", View(speakers: "Bo"))),
            At);
        Assert.Equal(
            [(ChangeKind.Cancelled, "gone"), (ChangeKind.Added, "new"), (ChangeKind.Speakers, "people"), (ChangeKind.Retitled, "renamed")],
            changes.Select(c => (c.Kind, c.SessionId)).ToList());
        Assert.Equal("Talk", changes.Single(c => c.Kind == ChangeKind.Retitled).OldTitle);
        Assert.Equal(("Ann", "Bo"), (changes[2].OldSpeakers, changes[2].NewSpeakers));
    }
}
