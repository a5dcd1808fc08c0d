using FeedProxy.Formats.Json;
using FeedProxy.Formats.Text;
using NodaTime;

namespace FeedProxy.Formats.Tests.Json;

/// <summary>Every string passes through <see cref="TextSanitizer"/> on its way into the model.</summary>
public class EventJsonMapperSanitisingTests
{
    private static readonly Instant Fallback = Instant.FromUtc(2027, 1, 1, 0, 0);

    [Theory]
    [InlineData("First line\r\nsecond line", "First line second line")]
    [InlineData("First line\rsecond line", "First line second line")]
    [InlineData("First line\nsecond line", "First line second line")]
    [InlineData("Tab\there", "Tab here")]
    [InlineData("  padded  ", "padded")]
    [InlineData("Bell\u0007 and\u0000 nul", "Bell and nul")]
    [InlineData("C1\u0085 control\u009F", "C1 control")]
    [InlineData("Non\uFFFEcharacter", "Noncharacter")]
    [InlineData("Emoji 🗓️ stays", "Emoji 🗓️ stays")]
    public void ToModel_SessionTitle_BecomesOneCleanLine(string title, string expected)
    {
        var json = EventJsonFixtures.Minimal();
        json.Sessions![0].Title = title;

        Assert.Equal(expected, Assert.Single(EventJsonMapper.ToModel(json, Fallback).Sessions).Title);
    }

    [Fact]
    public void ToModel_LoneSurrogatesInTitle_AreRemoved()
    {
        // Not an InlineData case: attribute strings are stored as UTF-8, which cannot hold a lone surrogate.
        var json = EventJsonFixtures.Minimal();
        json.Sessions![0].Title = "Lone \uD800surrogate\uDC00 and pair \uD83D\uDCC5";

        Assert.Equal("Lone surrogate and pair \uD83D\uDCC5", Assert.Single(EventJsonMapper.ToModel(json, Fallback).Sessions).Title);
    }

    [Fact]
    public void ToModel_TitleOfOnlyControlCharacters_IsMissing()
    {
        var json = EventJsonFixtures.Minimal();
        json.Sessions![0].Title = "\u0001\u0002\r\n";

        var exception = Assert.Throws<EventValidationException>(() => EventJsonMapper.ToModel(json, Fallback));

        Assert.Contains("sessions[0].title", exception.Errors.Keys);
    }

    [Fact]
    public void ToModel_Abstract_KeepsLineBreaksAsLfAndDropsControls()
    {
        var json = EventJsonFixtures.Minimal();
        json.Sessions![0].Abstract = "\r\nPara one;\r\nstill one.\r\rPara\ttwo\u000B, \\ \"quoted\" <b>&amp;</b>\n";

        var text = Assert.Single(EventJsonMapper.ToModel(json, Fallback).Sessions).Abstract;

        Assert.Equal("Para one;\nstill one.\n\nPara\ttwo, \\ \"quoted\" <b>&amp;</b>", text);
        Assert.True(TextSanitizer.IsClean(text!));
    }

    [Fact]
    public void ToModel_EmptyOptionalStrings_BecomeNull()
    {
        var json = EventJsonFixtures.Minimal();
        json.Description = " \n ";
        var s = json.Sessions![0];
        s.Subtitle = "";
        s.Abstract = "\r\n\t";
        s.Type = "  ";
        s.Url = " ";

        var model = EventJsonMapper.ToModel(json, Fallback);
        var session = Assert.Single(model.Sessions);

        Assert.Null(model.Description);
        Assert.Null(session.Subtitle);
        Assert.Null(session.Abstract);
        Assert.Null(session.Type);
        Assert.Null(session.Url);
    }

    [Fact]
    public void ToModel_NamesOfEverything_AreSanitised()
    {
        var json = EventJsonFixtures.Minimal();
        json.Name = "Demo\r\nEvent\u0000";
        json.Venue!.Name = "Hall\tOne";
        json.Venue.Address = "Street 1\nBerlin";
        json.Tracks![0].Name = " Main\u0008 ";
        json.Rooms![0].Name = "Room\r1";
        json.Speakers![0].Name = "Zoë\r\nExample";
        json.Speakers[0].Organisation = "Org\u007F";
        json.Speakers[0].Position = "\u0085Engineer";

        var model = EventJsonMapper.ToModel(json, Fallback);

        Assert.Equal("Demo Event", model.Name);
        Assert.Equal("Hall One", model.Venue!.Name);
        Assert.Equal("Street 1 Berlin", model.Venue.Address);
        Assert.Equal("Main", model.Tracks[0].Name);
        Assert.Equal("Room 1", model.Rooms[0].Name);
        Assert.Equal("Zoë Example", model.Speakers[0].Name);
        Assert.Equal("Org", model.Speakers[0].Organisation);
        Assert.Equal("Engineer", model.Speakers[0].Position);
    }

    [Fact]
    public void ToModel_Urls_AreTrimmedAndNormalised()
    {
        var json = EventJsonFixtures.Minimal();
        json.Sessions![0].Url = "  HTTPS://Demo.FeedProxy.Example/2027/sessions/s1?x=a b  ";

        var url = Assert.Single(EventJsonMapper.ToModel(json, Fallback).Sessions).Url;

        Assert.Equal("https://demo.feedproxy.example/2027/sessions/s1?x=a%20b", url);
    }

    [Fact]
    public void ToModel_TrackColour_IsUpperCased()
    {
        var json = EventJsonFixtures.Minimal();
        json.Tracks![0].Color = " #a1b2c3 ";

        Assert.Equal("#A1B2C3", EventJsonMapper.ToModel(json, Fallback).Tracks[0].Color);
    }

    [Fact]
    public void ToModel_TrackAndRoomWithoutId_GetSlugFromName()
    {
        var json = EventJsonFixtures.Minimal();
        json.Tracks = [new TrackJson { Name = "Design & Accessibility" }];
        json.Rooms = [new RoomJson { Name = "Room 2.10 (Werkstatt)" }];
        json.Sessions![0].Track = "design-accessibility";
        json.Sessions[0].Room = "room-2-10-werkstatt";

        var session = Assert.Single(EventJsonMapper.ToModel(json, Fallback).Sessions);

        Assert.Equal("design-accessibility", session.Track!.Id);
        Assert.Equal("room-2-10-werkstatt", session.Room!.Id);
    }

    [Fact]
    public void ToModel_EveryModelString_IsClean()
    {
        var json = EventJsonFixtures.Minimal();
        json.Description = "a\r\nb\u0000";
        json.Sessions![0].Abstract = "x\u001By\r";
        json.Sessions[0].Subtitle = "\uDC00sub";

        var model = EventJsonMapper.ToModel(json, Fallback);
        var session = model.Sessions[0];

        foreach (var text in new[] { model.Description, session.Abstract, session.Subtitle, session.Title })
        {
            Assert.True(text is null || TextSanitizer.IsClean(text), $"Not clean: {text}");
        }
    }
}
