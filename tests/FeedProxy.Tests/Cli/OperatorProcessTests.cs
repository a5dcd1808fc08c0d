using System.Diagnostics;
using System.Net;
using FeedProxy.Testing;
using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.Cli;

/// <summary>
/// The built program run as an operator runs it (`dotnet FeedProxy.dll ...`), on a private
/// events folder and without any PostgreSQL setting: exit codes, messages, and that a typo
/// or --help never starts a server.
/// </summary>
public sealed class OperatorProcessTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("feedproxy-cli-").FullName;

    public OperatorProcessTests()
    {
        Directory.CreateDirectory(Events);
        File.WriteAllText(Path.Combine(Events, "testconf.json"), TestEvents.Conference());
    }

    private string Events => Path.Combine(_root, "events");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Theory]
    [InlineData("--help", 0)]
    [InlineData("token", 2)]
    public async Task HelpAndTypos_ExitAtOnce_WithoutStartingAServer(string verb, int expected)
    {
        var (code, output, error) = await RunAsync(verb, "--urls=http://127.0.0.1:1");

        Assert.Equal(expected, code);
        Assert.DoesNotContain("Now listening", output + error, StringComparison.Ordinal);
        Assert.Contains("rotate-token", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotateToken_OnAPublicEvent_RefusesWithoutMakePrivate_AndNamesTheFlag()
    {
        var (code, output, error) = await RunAsync("rotate-token", "testconf");

        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains("public", error, StringComparison.Ordinal);
        Assert.Contains("--make-private", error, StringComparison.Ordinal);
        Assert.DoesNotContain("\"private\"", await File.ReadAllTextAsync(Path.Combine(Events, "testconf.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotateToken_WithMakePrivate_MakesTheEventPrivate_AndPrintsAWorkingSecretPath()
    {
        var (code, output, _) = await RunAsync("rotate-token", "testconf", "--make-private");

        Assert.Equal(0, code);
        var path = output.Trim();
        Assert.Matches("^/private/[A-Za-z0-9_-]{43}/events/testconf$", path);

        using var factory = new FeedProxyFactory();
        factory.WriteEvent("testconf", await File.ReadAllTextAsync(Path.Combine(Events, "testconf.json")));
        factory.Settings["FeedProxy:StatePath"] = Path.Combine(_root, "state");
        using var client = factory.CreatePlainClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/events/testconf.ics", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(path + ".ics", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task RotateToken_UnknownEvent_IsExitCode1()
    {
        var (code, _, error) = await RunAsync("rotate-token", "nosuch");

        Assert.Equal(1, code);
        Assert.Contains("no event 'nosuch'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_WithoutTimeZone_NamesTheCliFlag_NotTheLibraryOption()
    {
        var schedule = Path.Combine(_root, "local-times.xml");
        await File.WriteAllTextAsync(schedule, """
            <?xml version="1.0" encoding="UTF-8"?>
            <schedule><conference><title>Local</title><start>2027-02-06</start><end>2027-02-06</end></conference>
            <day index="1" date="2027-02-06"><room name="A"><event id="1"><start>10:00</start><duration>00:30</duration><room>A</room><title>Talk</title></event></room></day></schedule>
            """);

        var (code, _, error) = await RunAsync("import", schedule, "--event", "local");
        Assert.Equal(1, code);
        Assert.Contains("--time-zone", error, StringComparison.Ordinal);
        Assert.DoesNotContain("ImportOptions", error, StringComparison.Ordinal);

        var (bad, _, badError) = await RunAsync("import", schedule, "--event", "local", "--time-zone", "Mars/Olympus_Mons");
        Assert.Equal(2, bad);
        Assert.Contains("--time-zone 'Mars/Olympus_Mons'", badError, StringComparison.Ordinal);

        var (ok, output, _) = await RunAsync("import", schedule, "--event", "local", "--time-zone", "Europe/Brussels");
        Assert.Equal(0, ok);
        Assert.Contains("Created event 'local'", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Events, "local.json")));
    }

    [Fact]
    public async Task Webhook_SetShowListDelete_InTheStateFolder()
    {
        var (code, output, error) = await RunAsync("webhook", "set", "chat", "--url", "https://hooks.example.org/room", "--event", "testconf");
        Assert.True(code == 0, error);
        Assert.Contains("\"secret\": \"whsec_", output, StringComparison.Ordinal);

        (code, output, _) = await RunAsync("webhook", "show", "chat");
        Assert.Equal(0, code);
        Assert.Contains("https://hooks.example.org/room", output, StringComparison.Ordinal);
        Assert.DoesNotContain("whsec_", output, StringComparison.Ordinal);

        (code, _, error) = await RunAsync("webhook", "set", "inside", "--url", "http://127.0.0.1/hook", "--event", "testconf");
        Assert.Equal(2, code);
        Assert.Contains("AllowPrivateNetworks", error, StringComparison.Ordinal);

        (code, output, _) = await RunAsync("webhook", "list");
        Assert.Equal(0, code);
        Assert.Contains("\"chat\"", output, StringComparison.Ordinal);
        Assert.DoesNotContain("inside", output, StringComparison.Ordinal);

        (code, _, _) = await RunAsync("webhook", "delete", "chat");
        Assert.Equal(0, code);
        (code, _, error) = await RunAsync("webhook", "show", "chat");
        Assert.Equal(1, code);
        Assert.Contains("no webhook 'chat'", error, StringComparison.Ordinal);
    }

    private async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _root,
        };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Never the machine's database or cache: the embedded store in this test's folder.
        start.Environment.Remove("ConnectionStrings__Postgres");
        start.Environment.Remove("ConnectionStrings__Redis");
        start.Environment["FeedProxy__EventsPath"] = Events;
        start.Environment["FeedProxy__StatePath"] = Path.Combine(_root, "state");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"`FeedProxy {string.Join(' ', args)}` did not exit within 60 s (a server started?)");
        }

        return (process.ExitCode, await output, await error);
    }
}
