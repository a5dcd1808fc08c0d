using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FeedProxy.Tests.Support;

/// <summary>Every log line, scope and structured value, as text: for asserting what never appears in logs.</summary>
internal sealed class SinkProvider(ConcurrentQueue<string> sink) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Sink(categoryName, sink);

    public void Dispose()
    {
    }

    private sealed class Sink(string category, ConcurrentQueue<string> sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            // Scopes are printed by scope-aware providers on every line of a request.
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(' ', pairs.Select(p => p.Value)) : string.Empty;
            sink.Enqueue($"{category} scope: {state} {values}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // The rendered message and every structured value: either could carry the path.
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(' ', pairs.Select(p => p.Value)) : string.Empty;
            sink.Enqueue($"{category} {logLevel}: {formatter(state, exception)} {values} {exception}");
        }
    }
}
