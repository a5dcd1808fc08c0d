namespace FeedProxy.Formats.Json;

/// <summary>
/// Collects every problem of one document, keyed by JSON path, so a writer is told all of
/// them at once rather than one per attempt. Not thread-safe: one instance per document.
/// </summary>
internal sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public ValidationErrors() => Sink = Add;

    /// <summary><see cref="Add"/> as a delegate, for the parsers that report through one.</summary>
    public Action<string, string> Sink { get; }

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    public EventValidationException ToException() =>
        new(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
}
