namespace FeedProxy.Formats.Json;

/// <summary>Validation failures keyed by JSON path ("sessions[3].start"), as ValidationProblem wants them.</summary>
public sealed class EventValidationException(IReadOnlyDictionary<string, string[]> errors)
    : Exception("The event document is invalid: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}
