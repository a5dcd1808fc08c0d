using NodaTime;
using NodaTime.Text;

namespace FeedProxy.Formats.Syndication;

/// <summary>The date formats of RSS, Atom and the event module. Sub-second parts are dropped.</summary>
internal static class SyndicationDates
{
    // RFC 822 §5 as RSS 2.0 uses it, with the 4-digit year of RFC 1123 §5.2.14 that
    // validators require, and a numeric zone ("+0000") rather than "GMT".
    private static readonly InstantPattern Rfc822Pattern =
        InstantPattern.CreateWithInvariantCulture("ddd, dd MMM uuuu HH':'mm':'ss '+0000'");

    // RFC 3339 §5.6 date-time in UTC (Atom, RFC 4287 §3.3).
    private static readonly InstantPattern Rfc3339Pattern =
        InstantPattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss'Z'");

    // W3C-DTF (a profile of ISO 8601) with the local offset, as the RSS event module asks.
    private static readonly OffsetDateTimePattern W3cPattern =
        OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'sso<m>");

    public static string Rfc822(Instant instant) => Rfc822Pattern.Format(instant);

    public static string Rfc3339(Instant instant) => Rfc3339Pattern.Format(instant);

    public static string W3cInZone(Instant instant, DateTimeZone zone) =>
        W3cPattern.Format(instant.InZone(zone).ToOffsetDateTime());
}
