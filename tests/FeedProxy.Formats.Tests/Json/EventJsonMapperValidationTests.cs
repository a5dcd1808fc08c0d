using FeedProxy.Formats.Json;
using FeedProxy.Formats.Model;
using NodaTime;

namespace FeedProxy.Formats.Tests.Json;

public class EventJsonMapperValidationTests
{
    private static readonly Instant Fallback = Instant.FromUtc(2027, 1, 1, 0, 0);

    private static IReadOnlyDictionary<string, string[]> Errors(EventJson json, string? expectedId = null) =>
        Assert.Throws<EventValidationException>(() => EventJsonMapper.ToModel(json, Fallback, expectedId)).Errors;

    [Fact]
    public void ToModel_MinimalDocument_MapsEveryReference()
    {
        var model = EventJsonMapper.ToModel(EventJsonFixtures.Minimal(), Fallback);

        var session = Assert.Single(model.Sessions);
        Assert.Equal("mini", model.Id);
        Assert.Equal("main", session.Track?.Id);
        Assert.Equal("room-1", session.Room?.Id);
        Assert.Equal("sp-1", Assert.Single(session.Speakers).Id);
        Assert.Equal(Instant.FromUtc(2027, 3, 26, 8, 0), session.Start);
        Assert.Equal(Duration.FromMinutes(45), session.Duration);
    }

    [Fact]
    public void ToModel_MissingName_ReportsName()
    {
        var json = EventJsonFixtures.Minimal();
        json.Name = null;

        Assert.Contains("name", Errors(json).Keys);
    }

    [Fact]
    public void ToModel_WhitespaceName_ReportsName()
    {
        var json = EventJsonFixtures.Minimal();
        json.Name = " \t\r\n ";

        Assert.Contains("name", Errors(json).Keys);
    }

    [Theory]
    [InlineData("Europe/Atlantis")]
    [InlineData("CEST")]
    [InlineData("+01:00")]
    [InlineData("")]
    public void ToModel_UnknownTimeZone_ReportsTimeZone(string zone)
    {
        var json = EventJsonFixtures.Minimal();
        json.TimeZone = zone;

        Assert.Contains("timeZone", Errors(json).Keys);
    }

    [Fact]
    public void ToModel_MissingTimeZone_ReportsTimeZone()
    {
        var json = EventJsonFixtures.Minimal();
        json.TimeZone = null;

        Assert.Contains("timeZone", Errors(json).Keys);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("-starts-with-dash")]
    [InlineData(".hidden")]
    [InlineData("slash/inside")]
    [InlineData("ümlaut")]
    public void ToModel_InvalidEventId_ReportsId(string id)
    {
        var json = EventJsonFixtures.Minimal();
        json.Id = id;

        Assert.Contains("id", Errors(json).Keys);
    }

    [Fact]
    public void ToModel_IdDifferentFromExpected_ReportsId()
    {
        var errors = Errors(EventJsonFixtures.Minimal(), expectedId: "other");

        Assert.Contains("other", Assert.Single(errors["id"]), StringComparison.Ordinal);
    }

    [Fact]
    public void ToModel_NoIdButExpectedId_UsesExpectedId()
    {
        var json = EventJsonFixtures.Minimal();
        json.Id = null;

        Assert.Equal("from-path", EventJsonMapper.ToModel(json, Fallback, "from-path").Id);
    }

    [Fact]
    public void ToModel_UnknownTrackReference_ReportsSessionTrack()
    {
        var json = EventJsonFixtures.Minimal();
        json.Sessions![0].Track = "nope";

        var errors = Errors(json);

        Assert.Contains("nope", Assert.Single(errors["sessions[0].track"]), StringComparison.Ordinal);
    }

    [Fact]
    public void ToModel_UnknownRoomAndSpeaker_ReportsBoth()
    {
        var json = EventJsonFixtures.Minimal();
        json.Sessions![0].Room = "cellar";
        json.Sessions[0].Speakers = ["sp-1", "ghost"];

        var errors = Errors(json);

        Assert.Contains("sessions[0].room", errors.Keys);
        Assert.Contains("ghost", Assert.Single(errors["sessions[0].speakers"]), StringComparison.Ordinal);
    }

    [Fact]
    public void ToModel_EndBeforeStart_ReportsSessionEnd()
    {
        var json = EventJsonFixtures.Minimal();
        json.Sessions![0].End = "2027-03-26T08:59:00+01:00";

        Assert.Contains("sessions[0].end", Errors(json).Keys);
    }

    [Fact]
    public void ToModel_EndEqualToStart_IsAccepted()
    {
        // Zero-length items exist (deadlines, "doors open"); only negative lengths are errors.
        var json = EventJsonFixtures.Minimal();
        json.Sessions![0].End = json.Sessions[0].Start;

        Assert.Equal(Duration.Zero, Assert.Single(EventJsonMapper.ToModel(json, Fallback).Sessions).Duration);
    }

    [Fact]
    public void ToModel_MissingStart_ReportsSessionStart()
    {
        var json = EventJsonFixtures.Minimal();
        json.Sessions![0].Start = null;

        Assert.Contains("sessions[0].start", Errors(json).Keys);
    }

    [Fact]
    public void ToModel_MissingEndAndDuration_ReportsSessionEnd()
    {
        var json = EventJsonFixtures.Minimal();
        json.Sessions![0].End = null;

        Assert.Contains("sessions[0].end", Errors(json).Keys);
    }

    [Theory]
    [InlineData("26.03.2027 09:00")]
    [InlineData("2027-03-26 09:00")]
    [InlineData("2027-02-30T09:00:00")]
    [InlineData("tomorrow")]
    public void ToModel_UnreadableStart_ReportsSessionStart(string start)
    {
        var json = EventJsonFixtures.Minimal();
        json.Sessions![0].Start = start;

        Assert.Contains("sessions[0].start", Errors(json).Keys);
    }

    [Theory]
    [InlineData("P1M")]
    [InlineData("-PT5M")]
    [InlineData("45 minutes")]
    [InlineData("1:75")]
    public void ToModel_UnreadableDuration_ReportsSessionDuration(string duration)
    {
        var json = EventJsonFixtures.Minimal();
        json.Sessions![0].End = null;
        json.Sessions[0].Duration = duration;

        Assert.Contains("sessions[0].duration", Errors(json).Keys);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("/relative/path")]
    [InlineData("ftp://files.example/x")]
    [InlineData("javascript:alert(1)")]
    [InlineData("mailto:someone@example.org")]
    public void ToModel_BadSessionUrl_ReportsSessionUrl(string url)
    {
        var json = EventJsonFixtures.Minimal();
        json.Sessions![0].Url = url;

        Assert.Contains("sessions[0].url", Errors(json).Keys);
    }

    [Fact]
    public void ToModel_BadUrlsEverywhere_ReportsEachField()
    {
        var json = EventJsonFixtures.Minimal();
        json.Url = "www.example.org";
        json.Image = "logo.png";
        var s = json.Sessions![0];
        s.Image = "x";
        s.StreamUrl = "rtmp://stream.example/live";
        s.VideoUrl = "file:///video.mp4";
        s.SlidesUrl = "slides.pdf";

        var errors = Errors(json);

        string[] expected = ["image", "sessions[0].image", "sessions[0].slidesUrl", "sessions[0].streamUrl", "sessions[0].videoUrl", "url"];
        Assert.Equal(expected, errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ToModel_DuplicateSessionIds_ReportsSecondOccurrence()
    {
        var json = EventJsonFixtures.Minimal();
        json.Sessions!.Add(EventJsonFixtures.Session("s1", "2027-03-26T10:00:00+01:00", "2027-03-26T10:30:00+01:00"));

        var errors = Errors(json);

        Assert.Contains("sessions[1].id", errors.Keys);
        Assert.DoesNotContain("sessions[0].id", errors.Keys);
    }

    [Fact]
    public void ToModel_DuplicateTrackRoomAndSpeakerIds_ReportsEach()
    {
        var json = EventJsonFixtures.Minimal();
        json.Tracks!.Add(new TrackJson { Id = "main", Name = "Another" });
        json.Rooms!.Add(new RoomJson { Id = "room-1", Name = "Another" });
        json.Speakers!.Add(new SpeakerJson { Id = "sp-1", Name = "Another" });

        var errors = Errors(json);

        Assert.Contains("tracks[1].id", errors.Keys);
        Assert.Contains("rooms[1].id", errors.Keys);
        Assert.Contains("speakers[1].id", errors.Keys);
    }

    [Theory]
    [InlineData("red")]
    [InlineData("#12345")]
    [InlineData("#1234567")]
    [InlineData("123456")]
    [InlineData("#GG0000")]
    public void ToModel_BadTrackColor_ReportsTrackColor(string color)
    {
        var json = EventJsonFixtures.Minimal();
        json.Tracks![0].Color = color;

        Assert.Contains("tracks[0].color", Errors(json).Keys);
    }

    [Fact]
    public void ToModel_HalfAGeoPosition_ReportsLatitude()
    {
        var json = EventJsonFixtures.Minimal();
        json.Venue!.Longitude = null;
        json.Rooms![0].Latitude = 91;

        var errors = Errors(json);

        Assert.Contains("venue.latitude", errors.Keys);
        Assert.Contains("rooms[0].latitude", errors.Keys);
    }

    [Fact]
    public void ToModel_VenueWithoutName_ReportsVenueName()
    {
        var json = EventJsonFixtures.Minimal();
        json.Venue!.Name = "  ";

        Assert.Contains("venue.name", Errors(json).Keys);
    }

    [Theory]
    [InlineData("scheduled-ish")]
    [InlineData("public")]
    [InlineData("")]
    public void ToModel_UnknownState_ReportsSessionState(string state)
    {
        var json = EventJsonFixtures.Minimal();
        json.Sessions![0].State = state;

        Assert.Contains("sessions[0].state", Errors(json).Keys);
    }

    [Fact]
    public void ToModel_NegativeRevision_ReportsRevision()
    {
        var json = EventJsonFixtures.Minimal();
        json.Sessions![0].Revision = -1;

        Assert.Contains("sessions[0].revision", Errors(json).Keys);
    }

    [Fact]
    public void ToModel_UnknownVisibility_ReportsVisibility()
    {
        var json = EventJsonFixtures.Minimal();
        json.Visibility = "secret";

        Assert.Contains("visibility", Errors(json).Keys);
    }

    [Fact]
    public void ToModel_ManyProblems_ReportsAllAtOnce()
    {
        var json = EventJsonFixtures.Minimal();
        json.Name = null;
        json.TimeZone = "Mars/Olympus_Mons";
        json.Tracks![0].Color = "blue";
        json.Sessions![0].Track = "missing";
        json.Sessions.Add(EventJsonFixtures.Session("s2", "2027-03-26T10:00:00+01:00", "2027-03-26T09:00:00+01:00"));
        json.Sessions.Add(EventJsonFixtures.Session("s2", "2027-03-26T11:00:00+01:00", "2027-03-26T11:30:00+01:00"));
        json.Sessions.Add(EventJsonFixtures.Session("s3", "2027-03-26T12:00:00+01:00", "2027-03-26T12:30:00+01:00"));
        json.Sessions[3].Url = "nope";

        var exception = Assert.Throws<EventValidationException>(() => EventJsonMapper.ToModel(json, Fallback));

        string[] expected = ["name", "sessions[0].track", "sessions[1].end", "sessions[2].id", "sessions[3].url", "timeZone", "tracks[0].color"];
        Assert.Equal(expected, exception.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("sessions[1].end", exception.Message, StringComparison.Ordinal);
        Assert.Contains("timeZone", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToModel_StateNames_AcceptCaseAndAliases()
    {
        var json = EventJsonFixtures.Minimal();
        string[] states = ["CONFIRMED", "Accepted", "canceled", "submitted", "scheduled", "Withdrawn"];
        json.Sessions = [.. states.Select((s, i) =>
        {
            var session = EventJsonFixtures.Session($"s{i}", "2027-03-26T09:00:00+01:00", "2027-03-26T10:00:00+01:00");
            session.State = s;
            return session;
        })];

        var model = EventJsonMapper.ToModel(json, Fallback);

        SessionState[] expected =
            [SessionState.Confirmed, SessionState.Accepted, SessionState.Cancelled, SessionState.Pending, SessionState.Confirmed, SessionState.Withdrawn];
        Assert.Equal(expected, model.Sessions.Select(s => s.State));
    }

    [Fact]
    public void ToModel_NoState_DefaultsToConfirmed()
    {
        var model = EventJsonMapper.ToModel(EventJsonFixtures.Minimal(), Fallback);

        Assert.Equal(SessionState.Confirmed, Assert.Single(model.Sessions).State);
    }

    [Fact]
    public void ToModel_LastModified_FallsBackFromSessionToEventToArgument()
    {
        var json = EventJsonFixtures.Minimal();
        json.Sessions!.Add(EventJsonFixtures.Session("s2", "2027-03-26T10:00:00+01:00", "2027-03-26T10:30:00+01:00"));
        json.Sessions[1].LastModified = "2027-03-01T12:00:00Z";

        var model = EventJsonMapper.ToModel(json, Fallback);
        json.LastModified = null;
        var withoutEventDate = EventJsonMapper.ToModel(json, Fallback);

        Assert.Equal(Instant.FromUtc(2027, 2, 1, 10, 0), model.Sessions[0].LastModified);
        Assert.Equal(Instant.FromUtc(2027, 3, 1, 12, 0), model.Sessions[1].LastModified);
        Assert.Equal(Fallback, withoutEventDate.LastModified);
        Assert.Equal(Fallback, withoutEventDate.Sessions[0].LastModified);
    }

    [Fact]
    public void ToModel_SpeakerEmail_IsAcceptedButNotInTheModel()
    {
        // Contact data may be in organisers' files; the model has nowhere to put it, so no
        // feed writer can ever render it.
        var model = EventJsonMapper.ToModel(EventJsonFixtures.Minimal(), Fallback);

        Assert.Equal("Zoë Example", Assert.Single(model.Speakers).Name);
        Assert.DoesNotContain(
            typeof(Speaker).GetProperties(),
            p => p.Name.Contains("mail", StringComparison.OrdinalIgnoreCase) || p.Name.Contains("phone", StringComparison.OrdinalIgnoreCase));
    }
}
