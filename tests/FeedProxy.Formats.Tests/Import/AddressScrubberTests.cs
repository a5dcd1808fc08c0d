using FeedProxy.Formats.Import;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Text;

namespace FeedProxy.Formats.Tests.Import;

/// <summary>Addresses in every disguise, and deleted non-public Open Event sessions.</summary>
public sealed class AddressScrubberTests
{
    [Theory]
    [InlineData("Write to jane%40example.org today")]
    [InlineData("Write to jane＠example.org today")]
    [InlineData("Write to ｊａｎｅ＠ｅｘａｍｐｌｅ．ｏｒｇ today")]
    [InlineData("Write to ja\u200Bne@exa\u200Dmple.org today")]
    [InlineData("Write to jane@\u00ADexample.org today")]
    [InlineData("Write to \"jane doe\"@example.org today")]
    [InlineData("Write to jürgen@bücher.example today")]
    [InlineData("Write to ivan@пример.рф today")]
    [InlineData("Write to ivan@xn--e1afmkfd.xn--p1ai today")]
    [InlineData("Write to jane.doe+talks@example.org today")]
    public void DisguisedAddressesInText_AreRemoved(string text)
    {
        var scrubbed = AddressScrubber.Scrub(text)!;

        Assert.StartsWith("Write to ", scrubbed, StringComparison.Ordinal);
        Assert.EndsWith(" today", scrubbed, StringComparison.Ordinal);
        Assert.Contains(AddressScrubber.Placeholder, scrubbed, StringComparison.Ordinal);
        Assert.DoesNotContain("example", scrubbed, StringComparison.Ordinal);
        Assert.DoesNotContain("jane", scrubbed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://conf.example.org/talk?email=jane@example.org")]
    [InlineData("https://conf.example.org/talk?email=jane%40example.org")]
    [InlineData("https://conf.example.org/talk?email=jane%2540example.org")]
    [InlineData("https://conf.example.org/people/jane@example.org/slides.pdf")]
    [InlineData("https://conf.example.org/people/jane%40example.org")]
    [InlineData("https://jane@example.org@conf.example.org/x")]
    [InlineData("https://jane:secret@conf.example.org/x")]
    [InlineData("https://conf.example.org/x#jane＠example.org")]
    public void UrlsCarryingAnAddress_AreDropped(string url)
    {
        Assert.Null(ImportText.Url(url));
    }

    [Theory]
    [InlineData("https://conf.example.org/talks/42")]
    [InlineData("https://social.example.org/@jane")]
    [InlineData("https://social.example.org/@jane@other.example")]
    public void OrdinaryUrlsAndHandles_AreKept(string url)
    {
        Assert.Equal(url, ImportText.Url(url));
    }

    [Theory]
    [InlineData("Slides: https://conf.example.org/people/jane@example.org/slides.pdf today")]
    [InlineData("Thread: https://lists.example.org/all/20270301.jane@example.org/ today")]
    [InlineData("Write to jane@[192.0.2.1] today")]
    [InlineData("Write to jane@[IPv6:2001:db8::1] today")]
    [InlineData("Write to jane＠［192.0.2.1］ today")]
    public void AddressesInUrlPathsAndAddressLiterals_AreRemovedFromText(string text)
    {
        var scrubbed = AddressScrubber.Scrub(text)!;

        Assert.Contains(AddressScrubber.Placeholder, scrubbed, StringComparison.Ordinal);
        Assert.DoesNotContain("jane", scrubbed, StringComparison.Ordinal);
        Assert.EndsWith(" today", scrubbed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("See http://jane@host/ today", "See http://host/ today")]
    [InlineData("See https://jane:secret@conf.example.org/x today", "See https://conf.example.org/x today")]
    [InlineData("See http://jane%40example.org@host:8080/x today", "See http://host:8080/x today")]
    public void UserInfoOfUrlsInText_IsRemoved(string text, string expected)
    {
        Assert.Equal(expected, AddressScrubber.Scrub(text));
    }

    [Theory]
    [InlineData("Follow @jane@social.example for news")]
    [InlineData("Profile: https://social.example.org/@jane@other.example today")]
    [InlineData("Talks at https://conf.example.org/talks/42 today")]
    public void HandlesAndOrdinaryUrlsInText_AreKept(string text)
    {
        Assert.Equal(text, AddressScrubber.Scrub(text));
    }

    [Theory]
    [InlineData("http://name@host/")]
    [InlineData("https://conf.example.org/contact?to=jane@[192.0.2.1]")]
    [InlineData("https://conf.example.org/people/jane@[IPv6:2001:db8::1]/")]
    public void UrlsWithUserInfoOrAnAddressLiteral_CarryAnAddress(string url)
    {
        Assert.True(AddressScrubber.CarriesAddress(url));
        Assert.Null(ImportText.Url(url));
    }

    [Fact]
    public void PersonIdThatIsAnAddress_BecomesAStablePseudonym()
    {
        var id = ImportText.Id("jane.doe@example.org");

        Assert.NotNull(id);
        Assert.DoesNotContain("jane", id, StringComparison.Ordinal);
        Assert.DoesNotContain("example", id, StringComparison.Ordinal);
        Assert.Equal(id, ImportText.Id("jane.doe@example.org"));
        Assert.Equal(id, ImportText.Id("JANE.DOE@EXAMPLE.ORG"));
    }

    [Fact]
    public void FrabPersonIdentifiedByAddress_LeavesNoTraceInTheModel()
    {
        var xml = Samples.Xml;
        var at = xml.IndexOf("<person ", StringComparison.Ordinal);
        Assert.True(at > 0, "the sample has a person");
        var end = xml.IndexOf('>', at);
        var withAddress = xml[..at] + "<person id=\"jane.doe@example.org\"" + xml[end..];

        var model = Samples.Import(new FrabXmlImporter(), withAddress);
        var serialized = System.Text.Json.JsonSerializer.Serialize(FeedProxy.Formats.Json.EventJsonWriter.FromModel(model), FeedProxy.Formats.Json.EventJsonContext.Default.EventJson);

        Assert.DoesNotContain("jane.doe", serialized, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("draft")]
    [InlineData("pending")]
    [InlineData("rejected")]
    [InlineData("withdrawn")]
    public void OpenEventDeletedNonPublicSession_NeverAppearsAsCancelled(string state)
    {
        var json = Samples.OpenEvent.Replace("\"state\": \"withdrawn\"", $"\"state\": \"{state}\", \"deleted-at\": \"2027-02-01T00:00:00+08:00\"", StringComparison.Ordinal);
        Assert.Contains("deleted-at", json, StringComparison.Ordinal);

        var session = Samples.Import(new OpenEventImporter(), json).Sessions.Single(s => s.Title == "Withdrawn");

        Assert.False(session.State.IsPublic());
        Assert.NotEqual(SessionState.Cancelled, session.State);
    }

    [Fact]
    public void OpenEventDeletedPublicSession_IsCancelled()
    {
        var json = Samples.OpenEvent.Replace("\"state\": \"accepted\",", "\"state\": \"accepted\", \"deleted_at\": \"2027-02-01T00:00:00+08:00\",", StringComparison.Ordinal);

        var session = Samples.Import(new OpenEventImporter(), json).Sessions.Single(s => s.Title == "Accepted");

        Assert.Equal(SessionState.Cancelled, session.State);
    }
}
