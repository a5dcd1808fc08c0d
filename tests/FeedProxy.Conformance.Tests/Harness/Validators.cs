using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace FeedProxy.Conformance.Tests.Harness;

/// <summary>The validator programs of tests/conformance; each reads a whole manifest in one process.</summary>
internal enum Validator
{
    /// <summary>validate_ics.py: python3-icalendar, python3-vobject, RFC 5545 line rules.</summary>
    PythonICalendar,
    /// <summary>libical_check (C, libical's parser).</summary>
    Libical,
    /// <summary>validate_icaljs.mjs: ical.js on .ics and jCal.</summary>
    IcalJs,
    /// <summary>validate_feeds.py: expat, feedparser, RSS/Atom rules, xCal.</summary>
    Feeds,
    /// <summary>campus_consumer.py: the campus app's documented feed rules.</summary>
    Campus,
}

/// <summary>One result line: what one checker found in one file.</summary>
internal sealed record ValidatorResult(string Id, string Checker, int? Count, IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings);

/// <summary>A finished validator process; <see cref="Failure"/> is set when it could not do its job.</summary>
internal sealed record ValidatorRun(Validator Validator, IReadOnlyList<ValidatorResult> Results, string? Failure, TimeSpan Elapsed)
{
    public IEnumerable<ValidatorResult> Of(string checker) => Results.Where(r => r.Checker == checker);
}

/// <summary>Finds the third-party tools and runs validators as child processes.</summary>
internal static class Validators
{
    public const string InstallHint =
        "Run scripts/install-test-deps.sh once on this machine (as root or with sudo); it installs the parsers and builds the libical checker.";

    // Only ends a validator that hangs. On a 2-core machine shared with several builds the two
    // Python validators took over ten minutes (their own figure is printed by every check), so
    // the guard sits far above that and below the CI's 90-minute limit.
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(45);
    private static readonly Lazy<string?> PythonProblem = new(FindPythonProblem);

    /// <summary>Debian's interpreter, where the apt parsers live; a pyenv or venv python3 on PATH would not see them.</summary>
    public static string Python => Environment.GetEnvironmentVariable("FEEDPROXY_CONFORMANCE_PYTHON") is { Length: > 0 } python
        ? python
        : "/usr/bin/python3";

    /// <summary>The libical checker built from the current source (its name carries the source hash).</summary>
    public static string LibicalCheckerPath
    {
        get
        {
            var source = Path.Combine(RepositoryLayout.ValidatorDirectory, "libical_check.c");
            var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(source)))[..16];
            return Path.Combine(RepositoryLayout.ValidatorDirectory, ".build", $"libical_check-{hash}");
        }
    }

    public static async Task<ValidatorRun> RunAsync(Validator validator, string manifestPath)
    {
        var stopwatch = Stopwatch.StartNew();
        var (command, problem) = Command(validator);
        if (problem is not null)
        {
            return new ValidatorRun(validator, [], $"{validator}: {problem} {InstallHint}", stopwatch.Elapsed);
        }

        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryLayout.ValidatorDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add(manifestPath);
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        start.Environment["PYTHONIOENCODING"] = "utf-8";

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {command[0]}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return new ValidatorRun(validator, [], $"{validator} did not finish within {Timeout}.", stopwatch.Elapsed);
        }

        var output = await stdout;
        var errors = await stderr;
        if (process.ExitCode is not (0 or 1))
        {
            return new ValidatorRun(validator, [], $"{validator} exited with {process.ExitCode}: {Tail(errors)}", stopwatch.Elapsed);
        }

        try
        {
            return new ValidatorRun(validator, Parse(output), null, stopwatch.Elapsed);
        }
        catch (JsonException exception)
        {
            return new ValidatorRun(validator, [], $"{validator} printed something that is not JSON Lines ({exception.Message}); stderr: {Tail(errors)}", stopwatch.Elapsed);
        }
    }

    private static (string[] Command, string? Problem) Command(Validator validator)
    {
        var directory = RepositoryLayout.ValidatorDirectory;
        switch (validator)
        {
            case Validator.PythonICalendar or Validator.Feeds or Validator.Campus:
                var script = validator switch
                {
                    Validator.PythonICalendar => "validate_ics.py",
                    Validator.Feeds => "validate_feeds.py",
                    _ => "campus_consumer.py",
                };
                return ([Python, Path.Combine(directory, script)], PythonProblem.Value);
            case Validator.Libical:
                var checker = LibicalCheckerPath;
                return ([checker], File.Exists(checker) ? null : $"the libical checker for the current libical_check.c is not built ({checker}).");
            case Validator.IcalJs:
                var node = FindOnPath("node");
                if (node is null)
                {
                    return ([], "node is not on PATH.");
                }

                var icalJs = Path.Combine(directory, "node_modules", "ical.js", "package.json");
                return ([node, Path.Combine(directory, "validate_icaljs.mjs")],
                    File.Exists(icalJs) ? null : "ical.js is not installed in tests/conformance/node_modules.");
            default:
                throw new ArgumentOutOfRangeException(nameof(validator));
        }
    }

    private static string? FindPythonProblem()
    {
        if (!File.Exists(Python))
        {
            return $"{Python} does not exist.";
        }

        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import icalendar, vobject, feedparser");
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? null : $"{Python} cannot import icalendar, vobject and feedparser: {Tail(errors)}";
    }

    private static string? FindOnPath(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static List<ValidatorResult> Parse(string output)
    {
        var results = new List<ValidatorResult>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            results.Add(new ValidatorResult(
                root.GetProperty("id").GetString()!,
                root.GetProperty("checker").GetString()!,
                root.GetProperty("count").ValueKind == JsonValueKind.Number ? root.GetProperty("count").GetInt32() : null,
                Strings(root, "errors"),
                Strings(root, "warnings")));
        }

        return results;
    }

    private static string[] Strings(JsonElement root, string name) =>
        root.TryGetProperty(name, out var list) ? [.. list.EnumerateArray().Select(e => e.GetString() ?? "")] : [];

    private static string Tail(string text) => text.Length <= 2000 ? text.Trim() : "…" + text[^2000..].Trim();
}
