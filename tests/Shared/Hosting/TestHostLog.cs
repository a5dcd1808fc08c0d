using System.Globalization;
using Microsoft.Extensions.Logging;

namespace FeedProxy.Testing;

/// <summary>
/// Where the application hosts started by tests log: a file per test project
/// (<c>artifacts/test-results/test-hosts.&lt;project&gt;.log</c>, or the folder named by
/// FEEDPROXY_TEST_HOST_LOGS), not the console. Fault-injection tests make the application log
/// errors with stack traces on purpose; on the console they read like failures ahead of a
/// green total. Compiled into the test projects that host the application.
/// </summary>
internal static class TestHostLog
{
    private static readonly Lazy<FileLoggerProvider> Provider = new(() => new FileLoggerProvider(PathOfLog()));

    /// <summary>Replaces the host's console logging with the test log; providers added after this call stay.</summary>
    public static ILoggingBuilder RouteToTestLog(this ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.ClearProviders();
        logging.AddProvider(Provider.Value);
        return logging;
    }

    private static string PathOfLog()
    {
        var folder = Environment.GetEnvironmentVariable("FEEDPROXY_TEST_HOST_LOGS") is { Length: > 0 } configured
            ? configured
            : Path.Combine(RepositoryPaths.Root, "artifacts", "test-results");
        Directory.CreateDirectory(folder);
        var project = typeof(TestHostLog).Assembly.GetName().Name;
        return Path.Combine(folder, $"test-hosts.{project}.log");
    }

    /// <summary>Shared by every host of the test process, so it is never disposed by one of them.</summary>
    private sealed class FileLoggerProvider(string path) : ILoggerProvider
    {
        private readonly Lock _gate = new();
        private readonly StreamWriter _writer = new(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };

        public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

        public void Dispose()
        {
        }

        private void Write(string line)
        {
            lock (_gate)
            {
                _writer.WriteLine(line);
            }
        }

        private sealed class FileLogger(FileLoggerProvider provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (!IsEnabled(logLevel))
                {
                    return;
                }

                var text = string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow:O} {logLevel} {category}[{eventId.Id}] {formatter(state, exception)}");
                provider.Write(exception is null ? text : text + Environment.NewLine + exception);
            }
        }
    }
}
