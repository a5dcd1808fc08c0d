namespace FeedProxy.Formats.Import;

/// <summary>
/// A schedule could not be imported. The message names the place: a line (and column) for
/// syntax errors and XML elements, a field path for JSON values
/// ("schedule.conference.days[1].rooms['Saal 1'][3].start").
/// </summary>
public sealed class ImportException : Exception
{
    public ImportException()
        : this("The schedule could not be imported.")
    {
    }

    public ImportException(string message)
        : base(message)
    {
    }

    public ImportException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public ImportException(string message, string? field, int? line = null, int? column = null, Exception? innerException = null)
        : base(Compose(message, field, line, column), innerException)
    {
        Field = field;
        Line = line;
        Column = column;
        NeedsTimeZone = string.Equals(message, ZoneChoice.Missing, StringComparison.Ordinal)
            || string.Equals(field, ZoneChoice.OptionField, StringComparison.Ordinal);
    }

    /// <summary>
    /// The schedule gives local times only and no (valid) time zone was passed: the caller
    /// should say how to pass one in its own terms (the CLI's --time-zone, the API's ?timeZone=).
    /// </summary>
    public bool NeedsTimeZone { get; }

    /// <summary>The IANA id that <see cref="NeedsTimeZone"/> messages give as an example.</summary>
    public const string TimeZoneExample = "Europe/Brussels";

    /// <summary>Path of the offending value, when known.</summary>
    public string? Field { get; }

    /// <summary>1-based line, when known.</summary>
    public int? Line { get; }

    /// <summary>1-based column, when known.</summary>
    public int? Column { get; }

    private static string Compose(string message, string? field, int? line, int? column)
    {
        var where = (field, line) switch
        {
            (not null, not null) => $"{field} (line {line}{(column is null ? "" : $", column {column}")})",
            (not null, null) => field,
            (null, not null) => $"line {line}{(column is null ? "" : $", column {column}")}",
            _ => null,
        };
        return where is null ? message : $"{where}: {message}";
    }
}
