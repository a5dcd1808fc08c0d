using System.Text.RegularExpressions;
using FeedProxy.Testing;

namespace FeedProxy.Tests.Timing;

/// <summary>
/// Every timer, delay, timeout, backoff and jitter of the product goes through the injected
/// <see cref="TimeProvider"/> (and <c>IJitterSource</c>), so a test host that replaces the clock
/// controls all of them. This reads src/ and fails on any call that would read the system's
/// clock or randomness on its own.
/// </summary>
public sealed partial class ClockDisciplineTests
{
    /// <summary>Calls that bypass the injected clock, with what to use instead.</summary>
    private static readonly (Regex Pattern, string Instead)[] Forbidden =
    [
        (TaskDelayWithoutClock(), "Task.Delay(delay, time, cancellationToken)"),
        (new Regex(@"new\s+(System\.Threading\.)?Timer\s*\(", RegexOptions.CultureInvariant), "time.CreateTimer(...)"),
        (new Regex(@"new\s+PeriodicTimer\s*\((?![^;]*,\s*_?time\b)", RegexOptions.CultureInvariant), "new PeriodicTimer(period, time)"),
        (new Regex(@"\bStopwatch\b", RegexOptions.CultureInvariant), "time.GetTimestamp() / time.GetElapsedTime(start)"),
        (new Regex(@"\.CancelAfter\s*\(", RegexOptions.CultureInvariant), "new CancellationTokenSource(delay, time), linked"),
        (new Regex(@"new\s+CancellationTokenSource\s*\((?!\s*\))(?![^;]*,\s*_?time\s*\))", RegexOptions.CultureInvariant), "new CancellationTokenSource(delay, time)"),
        (new Regex(@"\bDateTime(Offset)?\.(UtcNow|Now|Today)\b", RegexOptions.CultureInvariant), "time.GetUtcNow()"),
        (new Regex(@"\bSystemClock\.Instance\b", RegexOptions.CultureInvariant), "the injected TimeProvider"),
        (new Regex(@"\bEnvironment\.TickCount", RegexOptions.CultureInvariant), "time.GetTimestamp()"),
        (new Regex(@"\bThread\.Sleep\s*\(", RegexOptions.CultureInvariant), "await Task.Delay(delay, time, cancellationToken)"),
        (new Regex(@"\bRandom\.Shared\b|new\s+Random\s*\(", RegexOptions.CultureInvariant), "the injected IJitterSource"),
        (WaitAsyncWithTimeoutWithoutClock(), "WaitAsync(timeout, time, cancellationToken)"),
    ];

    /// <summary>Where a pattern is the point of the file, with the reason.</summary>
    private static readonly (string File, string Fragment)[] Allowed =
    [
        // The production jitter source is the one place that reads the shared Random.
        ("FeedProxy/Timing/IJitterSource.cs", "Random.Shared"),
        // Npgsql's wait for a notification takes its timeout as a socket read timeout inside the
        // driver (no timer of ours); cancelling the wait instead would break the connection.
        ("FeedProxy/Storage/Postgres/PostgresChangeListener.cs", "connection.WaitAsync(PingInterval"),
    ];

    [Fact]
    public void NoSourceFile_BypassesTheInjectedClock()
    {
        var src = Path.Combine(RepositoryPaths.Root, "src");
        var offences = new List<string>();
        foreach (var file in Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(src, file).Replace('\\', '/');
            if (relative.Contains("/obj/", StringComparison.Ordinal) || relative.Contains("/bin/", StringComparison.Ordinal))
            {
                continue;
            }

            var number = 0;
            foreach (var line in File.ReadLines(file))
            {
                number++;
                var code = StripComment(line);
                foreach (var (pattern, instead) in Forbidden)
                {
                    if (pattern.IsMatch(code) && !Allowed.Any(a => a.File == relative && code.Contains(a.Fragment, StringComparison.Ordinal)))
                    {
                        offences.Add($"{relative}:{number}: {code.Trim()}  (use {instead})");
                    }
                }
            }
        }

        Assert.True(offences.Count == 0, "Calls that bypass the injected TimeProvider:\n" + string.Join('\n', offences));
    }

    [Theory]
    [InlineData("await Task.Delay(200, cancellationToken);")]
    [InlineData("var t = new Timer(_ => Tick(), null, 0, 1000);")]
    [InlineData("var watch = Stopwatch.StartNew();")]
    [InlineData("timeout.CancelAfter(TimeSpan.FromSeconds(2));")]
    [InlineData("using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));")]
    [InlineData("var now = DateTimeOffset.UtcNow;")]
    [InlineData("var jitter = Random.Shared.NextDouble();")]
    [InlineData("await _wake.WaitAsync(TimeSpan.FromMilliseconds(50), stoppingToken);")]
    [InlineData("await task.WaitAsync(_options.OperationTimeout, cancellationToken);")]
    public void TheCheck_CatchesEachFormOfBypass(string line) =>
        Assert.Contains(Forbidden, f => f.Pattern.IsMatch(line));

    [Theory]
    [InlineData("await Task.Delay(delay, time, stoppingToken);")]
    [InlineData("await Task.Delay(delay, _time, stoppingToken);")]
    [InlineData("_timer = _time.CreateTimer(_ => Tick(), null, Interval, Interval);")]
    [InlineData("using var cap = new CancellationTokenSource(TimeSpan.FromSeconds(2), time);")]
    [InlineData("using var linked = CancellationTokenSource.CreateLinkedTokenSource(a, b);")]
    [InlineData("using var source = new CancellationTokenSource();")]
    [InlineData("await task.WaitAsync(_options.OperationTimeout, _time, cancellationToken);")]
    [InlineData("await _writeLock.WaitAsync(cancellationToken);")]
    [InlineData("var now = time.GetUtcNow();")]
    public void TheCheck_LetsTheInjectedFormsThrough(string line) =>
        Assert.DoesNotContain(Forbidden, f => f.Pattern.IsMatch(line));

    private static string StripComment(string line)
    {
        var comment = line.IndexOf("//", StringComparison.Ordinal);
        // "//" inside a string (a URL) is code; only a line comment or a trailing one after code is stripped.
        return comment >= 0 && !line[..comment].Contains('"', StringComparison.Ordinal) ? line[..comment] : line;
    }

    [GeneratedRegex(@"Task\.Delay\s*\((?![^;]*,\s*_?time\s*[,)])", RegexOptions.CultureInvariant)]
    private static partial Regex TaskDelayWithoutClock();

    // A timeout argument (a TimeSpan, or a field/constant named for one) without a clock after it.
    [GeneratedRegex(@"\.WaitAsync\s*\((?=[^;]*(TimeSpan|Timeout|Interval|Milliseconds|Seconds))(?![^;]*,\s*_?time\s*,)", RegexOptions.CultureInvariant)]
    private static partial Regex WaitAsyncWithTimeoutWithoutClock();
}
