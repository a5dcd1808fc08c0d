using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace FeedProxy.Formats.Model;

/// <summary>
/// The one id rule for events, sessions, tracks, rooms, speakers, collections and sources.
/// Ids stand unescaped in URL paths and inside UIDs (RFC 5545 §3.8.4.7), so they are kept to
/// a conservative alphabet; a leading dot or dash would read as a relative path or an option.
/// </summary>
public static partial class ScheduleId
{
    /// <summary>The rule in words, for validation messages.</summary>
    public const string Rule = "1-128 characters of letters, digits, '.', '_' or '-', starting with a letter or digit.";

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._-]{0,127}\z")]
    private static partial Regex Pattern();

    /// <summary>True for ids usable in URLs and UIDs: 1-128 of [A-Za-z0-9._-], not starting with a dot or dash.</summary>
    public static bool IsValid([NotNullWhen(true)] string? id) => id is not null && Pattern().IsMatch(id);
}
