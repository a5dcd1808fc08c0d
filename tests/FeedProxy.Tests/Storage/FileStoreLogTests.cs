using System.Collections.Concurrent;
using FeedProxy.Storage;
using FeedProxy.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedProxy.Tests.Storage;

/// <summary>What an operator editing event files reads in the log: one line per change, and words that are true.</summary>
public sealed class FileStoreLogTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("feedproxy-log-").FullName;
    private readonly RecordingLogger _log = new();
    private readonly FileEventStore _store;

    public FileStoreLogTests()
    {
        Directory.CreateDirectory(Events);
        Write("testconf", TestEvents.Conference());
        var options = Options.Create(new FeedProxyOptions { EventsPath = Events, StatePath = Path.Combine(_root, "state") });
        _store = new FileEventStore(
            options,
            new FeedProxy.Changes.FileChangeLog(options, Options.Create(new FeedProxy.Changes.ChangeOptions()), Microsoft.Extensions.Logging.Abstractions.NullLogger<FeedProxy.Changes.FileChangeLog>.Instance),
            TimeProvider.System,
            _log);
    }

    private string Events => Path.Combine(_root, "events");

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void OneValidEdit_LogsOneLine_HoweverOftenTheFolderIsRescanned()
    {
        _log.Clear();
        Write("testconf", TestEvents.Conference(title: "Renamed"));
        Rescan(times: 3);

        var line = Assert.Single(_log.Lines);
        Assert.Contains("Loaded event testconf", line, StringComparison.Ordinal);
    }

    [Fact]
    public void BrokenEditOfALiveEvent_SaysTheLastGoodVersionStaysLive_Once()
    {
        _log.Clear();
        File.AppendAllText(Path.Combine(Events, "testconf.json"), "garbage");
        Rescan(times: 3);

        var line = Assert.Single(_log.Lines);
        Assert.Contains("testconf.json", line, StringComparison.Ordinal);
        Assert.Contains("the last good version stays live", line, StringComparison.Ordinal);
    }

    [Fact]
    public void BrokenNewFile_NeverClaimsALastGoodVersion_AndIsReportedOnce()
    {
        _log.Clear();
        File.WriteAllText(Path.Combine(Events, "newconf.json"), "{");
        Rescan(times: 3);

        var line = Assert.Single(_log.Lines);
        Assert.Contains("newconf.json", line, StringComparison.Ordinal);
        Assert.DoesNotContain("last good version", line, StringComparison.Ordinal);
        Assert.Contains("not served until the file is fixed", line, StringComparison.Ordinal);

        // Fixed: served, and a later breakage of it is a breakage of a live event.
        _log.Clear();
        Write("newconf", TestEvents.Conference(id: "newconf"));
        Rescan(times: 1);
        Assert.Contains("Loaded event newconf", Assert.Single(_log.Lines), StringComparison.Ordinal);
    }

    [Fact]
    public void IdMismatch_NamesTheFileBothIdsAndTheFix()
    {
        _log.Clear();
        Write("testconf", TestEvents.Conference(id: "otherconf"));
        Rescan(times: 2);

        var line = Assert.Single(_log.Lines);
        Assert.Contains("testconf.json", line, StringComparison.Ordinal);
        Assert.Contains("'otherconf'", line, StringComparison.Ordinal);
        Assert.Contains("rename the file to otherconf.json", line, StringComparison.Ordinal);
    }

    private void Rescan(int times)
    {
        for (var i = 0; i < times; i++)
        {
            _store.ReloadAll(wait: true);
        }
    }

    private void Write(string id, string json) => File.WriteAllText(Path.Combine(Events, id + ".json"), json);

    private sealed class RecordingLogger : ILogger<FileEventStore>
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyList<string> Lines => [.. _lines];

        public void Clear() => _lines.Clear();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                _lines.Enqueue($"{logLevel}: {formatter(state, exception)}");
            }
        }
    }
}
