using System.Diagnostics;
using Xunit.Abstractions;

namespace FeedProxy.Tests.Browser;

/// <summary>
/// Runs tests/browser/subscribe.test.mjs and schedule.test.mjs (Playwright over the system
/// Chromium, axe-core) so the one test command covers the pages in a real browser. Needs node, Chromium (/usr/bin/chromium)
/// and tests/browser/node_modules (npm ci); fails with a message naming what is missing.
/// </summary>
public sealed class SubscribePageBrowserTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    [Fact]
    public Task SubscribePage_PassesTheBrowserChecksAtPhoneAndDesktopWidth() => RunScriptAsync("subscribe.test.mjs", "artifacts/browser/");

    [Fact]
    public Task ScheduleGridAndEmbed_PassTheBrowserAndAccessibilityChecks() => RunScriptAsync("schedule.test.mjs", "artifacts/screenshots/");

    private async Task RunScriptAsync(string script, string screenshots)
    {
        var repo = RepositoryRoot();
        var browserDir = Path.Combine(repo, "tests", "browser");
        var node = FindOnPath("node");
        Assert.True(node is not null, "node is not on PATH: install Node.js 18+ (Debian package nodejs) to run the browser tests.");
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM") ?? "/usr/bin/chromium";
        Assert.True(File.Exists(chromium), $"Chromium is missing at {chromium}: apt-get install -y chromium.");
        if (!Directory.Exists(Path.Combine(browserDir, "node_modules", "playwright-core")) || !Directory.Exists(Path.Combine(browserDir, "node_modules", "axe-core")))
        {
            var npm = FindOnPath("npm");
            Assert.True(npm is not null, "tests/browser/node_modules is missing and npm is not on PATH: run `npm ci` in tests/browser.");
            var (install, installLog) = await RunAsync(npm!, ["ci", "--no-audit", "--no-fund"], browserDir, []);
            output.WriteLine(installLog);
            Assert.True(install == 0, "`npm ci` in tests/browser failed; see the output.");
        }

        // The server under test is the FeedProxy.dll this test project was built against.
        var dll = Path.Combine(AppContext.BaseDirectory, "FeedProxy.dll");
        var environment = new Dictionary<string, string> { ["CHROMIUM"] = chromium };
        if (File.Exists(dll) && File.Exists(Path.Combine(AppContext.BaseDirectory, "FeedProxy.runtimeconfig.json")))
        {
            environment["FEEDPROXY_SERVER_DLL"] = dll;
        }

        var (exit, log) = await RunAsync(node!, [Path.Combine(browserDir, script)], repo, environment);
        output.WriteLine(log);

        Assert.True(exit == 0, $"Browser checks of {script} failed (exit {exit}); screenshots are in {screenshots}.\n{Tail(log)}");
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] args, string workingDirectory, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"Timed out after {Timeout}.\n{await stdout}\n{await stderr}");
        }

        return (process.ExitCode, (await stdout) + (await stderr));
    }

    private static string RepositoryRoot() => FeedProxy.Testing.RepositoryPaths.Root;

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    private static string Tail(string log) => log.Length <= 3000 ? log : log[^3000..];
}
