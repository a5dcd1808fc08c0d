using FeedProxy.Formats.Import;
using NodaTime;

namespace FeedProxy.Formats.Tests.Import;

public sealed class ImportTextTests
{
    [Theory]
    [InlineData("Mail me: jane.doe+talks@example.org!", "Mail me: [e-mail removed]!")]
    [InlineData("Follow @jane@social.example.org", "Follow @jane@social.example.org")]
    [InlineData("See https://lists.example.org/all/20240116-v1-0@example.org/ for the patch", "See https://lists.example.org/all/[e-mail removed]/ for the patch")]
    [InlineData("https://pay.example.org/login?email=demo@example.org", "https://pay.example.org/login?email=[e-mail removed]")]
    [InlineData("no at sign", "no at sign")]
    public void ScrubEmails_RemovesAddressesEvenInUrlPathsButKeepsHandles(string input, string expected)
    {
        Assert.Equal(expected, ImportText.ScrubEmails(input));
    }

    [Fact]
    public void Text_Html_BecomesParagraphsListsAndLinkTargets()
    {
        const string html = "<p>First &amp; <b>bold</b>\nline.</p><ul><li><p>one</p></li><li>two <a href=\"https://example.org/x\">link</a></li></ul><p>Mail <a href=\"mailto:a@example.org\">me</a><br/>bye<script>alert(1)</script></p>";

        Assert.Equal("First & bold line.\n\n- one\n\n- two link (https://example.org/x)\n\nMail me\nbye", ImportText.Text(html));
    }

    [Fact]
    public void Text_Plain_LosesPrettyPrintIndentationAndExtraBlankLines()
    {
        Assert.Equal("First line.\n\nSecond\n  nested", ImportText.Text("First line.\n\n\n\n            Second\n              nested   "));
    }

    [Theory]
    [InlineData("a < b and c > d")]
    [InlineData("x <3 y")]
    [InlineData("<<<<")]
    public void Text_NotHtml_IsKeptAsWritten(string text)
    {
        Assert.Equal(text, ImportText.Text(text));
    }

    [Theory]
    [InlineData("RenÃ© MÃ¼ller", "René Müller")]
    [InlineData("Å½ana", "Žana")]
    [InlineData("Déjà vu", "Déjà vu")]
    [InlineData("Ørsted", "Ørsted")]
    [InlineData("東京", "東京")]
    public void FixMojibake_RepairsOnlyDoubleDecodedUtf8(string input, string expected)
    {
        Assert.Equal(expected, ImportText.FixMojibake(input));
    }

    [Theory]
    [InlineData("https://example.org/a b", null, null)]
    [InlineData("https://example.org/a", null, "https://example.org/a")]
    [InlineData("/media/x.png", "https://example.org/conf/", "https://example.org/media/x.png")]
    [InlineData("media/x.png", "https://example.org/conf/", "https://example.org/conf/media/x.png")]
    [InlineData("/media/x.png", null, null)]
    [InlineData("mailto:a@example.org", "https://example.org/", null)]
    [InlineData("javascript:alert(1)", "https://example.org/", null)]
    [InlineData("ftp://example.org/file", null, null)]
    [InlineData("https://user:secret@example.org/", null, null)]
    public void Url_KeepsOnlyAbsoluteHttp(string input, string? baseUrl, string? expected)
    {
        Assert.Equal(expected, ImportText.Url(input, baseUrl is null ? null : new Uri(baseUrl)));
    }

    [Fact]
    public void ImageUrl_RepairsABaseGluedInFrontOfAnAbsoluteUrl()
    {
        Assert.Equal("https://cdn.example.org/x.jpeg", ImportText.ImageUrl("https://example.org/hub/https://cdn.example.org/x.jpeg"));
    }

    [Theory]
    [InlineData("#abc", "#AABBCC")]
    [InlineData("#3dc8c3", "#3DC8C3")]
    [InlineData("3dc8c3", "#3DC8C3")]
    [InlineData("rgba(0, 128, 255, 0.5)", "#0080FF")]
    [InlineData("rgb(300, 0, 0)", null)]
    [InlineData("red", null)]
    public void Color_NormalisesToUpperHex(string input, string? expected)
    {
        Assert.Equal(expected, ImportText.Color(input));
    }

    [Theory]
    [InlineData("9025", "9025")]
    [InlineData("Ab3dEf9_xYz-Q", "Ab3dEf9_xYz-Q")]
    [InlineData("CÄfe1", "C-fe1")]
    [InlineData("--a b", "a-b")]
    [InlineData("///", null)]
    public void Id_KeepsValidIdsAndRepairsOthers(string input, string? expected)
    {
        Assert.Equal(expected, ImportText.Id(input));
    }

    [Theory]
    [InlineData("00:45", 45)]
    [InlineData("01:30", 90)]
    [InlineData("1:02:00", 26 * 60)]
    [InlineData("00:05:00", 5)]
    [InlineData("01:30:00", 90)]
    [InlineData("PT1H15M", 75)]
    [InlineData("50", 50)]
    public void Length_ReadsTheSpellingsSchedulesUse(string input, int minutes)
    {
        Assert.Equal(Duration.FromMinutes(minutes), ScheduleTime.Length(input));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1:60")]
    [InlineData("a:b")]
    [InlineData("-1:00")]
    [InlineData("99999:00")]
    public void Length_RejectsNonsense(string input)
    {
        Assert.Null(ScheduleTime.Length(input));
    }

    [Theory]
    [InlineData(60, "Etc/GMT-1")]
    [InlineData(-300, "Etc/GMT+5")]
    [InlineData(0, "UTC")]
    [InlineData(330, null)]
    public void FixedZoneId_UsesInvertedEtcSigns(int minutes, string? expected)
    {
        Assert.Equal(expected, ScheduleTime.FixedZoneId(Offset.FromSeconds(minutes * 60)));
    }
}
