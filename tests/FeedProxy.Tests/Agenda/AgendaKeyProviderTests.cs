using FeedProxy.Agenda;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FeedProxy.Tests.Agenda;

public sealed class AgendaKeyProviderTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("feedproxy-agenda-").FullName;

    public void Dispose() => Directory.Delete(_state, recursive: true);

    private static AgendaKeyProvider Provider(FeedProxyOptions options) =>
        new(Options.Create(options), NullLogger<AgendaKeyProvider>.Instance);

    [Fact]
    public void GeneratedKey_IsPersistedOwnerOnly_AndReused()
    {
        var code = Provider(new FeedProxyOptions { StatePath = _state }).Codes.Create("conf", ["s1"]);
        var file = Path.Combine(_state, AgendaKeyProvider.FileName);

        Assert.True(File.Exists(file));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        Assert.Equal(["s1"], Provider(new FeedProxyOptions { StatePath = _state }).Codes.TryRead("conf", code));
    }

    [Fact]
    public void ConfiguredSecret_WinsOverTheFile_AndChangingItInvalidatesCodes()
    {
        var fromFile = Provider(new FeedProxyOptions { StatePath = _state }).Codes.Create("conf", ["s1"]);
        var configured = Provider(new FeedProxyOptions { StatePath = _state, AgendaSecret = "one" });
        var code = configured.Codes.Create("conf", ["s1"]);

        Assert.Null(configured.Codes.TryRead("conf", fromFile));
        Assert.Null(Provider(new FeedProxyOptions { StatePath = _state, AgendaSecret = "two" }).Codes.TryRead("conf", code));
        Assert.Equal(["s1"], Provider(new FeedProxyOptions { AgendaSecret = "one", StatePath = "" }).Codes.TryRead("conf", code));
    }

    [Fact]
    public void WithoutStatePathOrSecret_CodesStillWorkWithinTheProcess()
    {
        var provider = Provider(new FeedProxyOptions { StatePath = "" });

        Assert.Equal(["s1"], provider.Codes.TryRead("conf", provider.Codes.Create("conf", ["s1"])));
    }
}
