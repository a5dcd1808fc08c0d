using System.Globalization;

namespace FeedProxy.Testing;

/// <summary>
/// vdirsyncer (its caldav storage, read-only) mirroring every calendar of a server into a
/// folder, and khal reading that folder in a time zone of the test's choosing: the path a
/// terminal user takes. Each instance has its own temporary folder with both configurations.
/// </summary>
internal sealed class VdirsyncerKhal : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("feedproxy-vdirsyncer-").FullName;

    public VdirsyncerKhal(Uri server, string timeZone)
    {
        File.WriteAllText(Path.Combine(_root, "vdirsyncer.conf"), $"""
            [general]
            status_path = "{_root}/status/"

            [pair feedproxy]
            a = "feedproxy_remote"
            b = "feedproxy_local"
            collections = ["from a"]

            [storage feedproxy_remote]
            type = "caldav"
            url = "{server.AbsoluteUri}"
            read_only = true

            [storage feedproxy_local]
            type = "filesystem"
            path = "{Calendars}/"
            fileext = ".ics"
            """);
        File.WriteAllText(Path.Combine(_root, "khal.conf"), $"""
            [calendars]
            [[feedproxy]]
            path = {Calendars}/*
            type = discover

            [locale]
            local_timezone = {timeZone}
            default_timezone = {timeZone}
            timeformat = %H:%M
            dateformat = %Y-%m-%d
            longdateformat = %Y-%m-%d
            datetimeformat = %Y-%m-%d %H:%M
            longdatetimeformat = %Y-%m-%d %H:%M
            """);
    }

    /// <summary>The local mirror: one folder per calendar, one file per object.</summary>
    public string Calendars => Path.Combine(_root, "calendars");

    private Dictionary<string, string> Environment => new()
    {
        ["HOME"] = _root,
        ["XDG_DATA_HOME"] = Path.Combine(_root, "data"),
        ["XDG_CONFIG_HOME"] = Path.Combine(_root, "config"),
        ["LC_ALL"] = "C.UTF-8",
    };

    /// <summary>discover (answering yes to creating each local folder), then sync; returns vdirsyncer's output.</summary>
    public async Task<string> SyncAsync()
    {
        var config = Path.Combine(_root, "vdirsyncer.conf");
        var (discovered, discoverOutput) = await ClientProcess.RunAsync("vdirsyncer", ["-c", config, "discover"], string.Concat(Enumerable.Repeat("y\n", 200)), Environment);
        Assert.True(discovered == 0, "vdirsyncer discover failed:\n" + discoverOutput);
        var (synced, syncOutput) = await ClientProcess.RunAsync("vdirsyncer", ["-c", config, "sync"], environment: Environment);
        Assert.True(synced == 0, "vdirsyncer sync failed:\n" + syncOutput);
        return discoverOutput + syncOutput;
    }

    /// <summary>khal's agenda from <paramref name="day"/> for <paramref name="days"/> days: "start end title" lines in the configured zone.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(DateOnly day, int days)
    {
        var (exit, output) = await ClientProcess.RunAsync("khal",
            ["-c", Path.Combine(_root, "khal.conf"), "list", "--format", "{start} {end} {title}", "--day-format", "", day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), $"{days}d"],
            environment: Environment);
        Assert.True(exit == 0, "khal failed:\n" + output);
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

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
}
