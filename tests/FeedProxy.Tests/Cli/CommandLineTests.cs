using FeedProxy.Cli;

namespace FeedProxy.Tests.Cli;

/// <summary>Help, usage errors and the server/command decision, in process: none of these may build the host.</summary>
public sealed class CommandLineTests
{
    private static readonly string[] AllVerbs = ["healthcheck", "migrate", "import", "rotate-token", "source", "webhook"];

    [Theory]
    [InlineData(new string[0], false)]
    [InlineData(new[] { "--urls=http://localhost:5000" }, false)]
    [InlineData(new[] { "--urls", "http://localhost:5000" }, false)]
    [InlineData(new[] { "--FeedProxy:AdminToken=x" }, false)]
    [InlineData(new[] { "Urls=http://localhost:5000" }, false)]
    [InlineData(new[] { "token" }, true)]
    [InlineData(new[] { "import" }, true)]
    [InlineData(new[] { "--help" }, true)]
    [InlineData(new[] { "-h" }, true)]
    [InlineData(new[] { "--urls=http://localhost:5000", "--help" }, true)]
    public void IsCommand_WordsAndHelpAreCommands_HostSettingsStartTheServer(string[] args, bool expected) =>
        Assert.Equal(expected, CommandLine.IsCommand(args));

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_ListsEveryVerbWithOneLine_AndExitsZero(string flag)
    {
        var (code, output, error) = await RunAsync(flag);

        Assert.Equal(0, code);
        Assert.Equal(string.Empty, error);
        foreach (var verb in AllVerbs)
        {
            Assert.Matches($@"(?m)^\s+{verb}\b.*\S", output);
        }

        Assert.Contains("without a command to start the server", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("import", new[] { "--event", "--time-zone", "--draft", "FILE|FOLDER" })]
    [InlineData("rotate-token", new[] { "--make-private", "ID" })]
    [InlineData("migrate", new[] { "ConnectionStrings__Postgres" })]
    public async Task VerbHelp_ListsItsOptions(string verb, string[] expected)
    {
        var (code, output, _) = await RunAsync(verb, "--help");

        Assert.Equal(0, code);
        foreach (var text in expected)
        {
            Assert.Contains(text, output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("token")]
    [InlineData("serve")]
    [InlineData("imprt")]
    public async Task UnknownVerb_IsExitCode2_ListingTheVerbs(string verb)
    {
        var (code, output, error) = await RunAsync(verb);

        Assert.Equal(CommandLine.UsageError, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains($"'{verb}'", error, StringComparison.Ordinal);
        foreach (var known in AllVerbs)
        {
            Assert.Contains(known, error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task MissingRequiredFlag_IsExitCode2_NamingTheFlag()
    {
        var (code, _, error) = await RunAsync("import", "schedule.xml");

        Assert.Equal(CommandLine.UsageError, code);
        Assert.Contains("--event", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotateTokenWithoutEvent_IsExitCode2()
    {
        var (code, _, error) = await RunAsync("rotate-token");

        Assert.Equal(CommandLine.UsageError, code);
        Assert.Contains("--make-private", error, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CommandLine.InvokeAsync(args, () => throw new InvalidOperationException("The host must not be built for help or a usage error."), output, error);
        return (code, output.ToString(), error.ToString());
    }
}
