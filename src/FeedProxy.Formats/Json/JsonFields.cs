using FeedProxy.Formats.Model;
using FeedProxy.Formats.Text;

namespace FeedProxy.Formats.Json;

/// <summary>The field-level rules every object of the event document shares: text, URLs, coordinates.</summary>
internal static class JsonFields
{
    // Every text field passes the one address scrubber, as imports do.
    public static string? Line(string? value) => TextSanitizer.Line(AddressScrubber.Scrub(TextSanitizer.Line(value)));

    public static string? Text(string? value) => TextSanitizer.Text(AddressScrubber.Scrub(TextSanitizer.Text(value)));

    /// <summary>Echoed values are cut, so a hostile document cannot make the error body large.</summary>
    public static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";

    public static GeoPoint? Geo(double? latitude, double? longitude, string path, ValidationErrors errors)
    {
        if (latitude is null && longitude is null)
        {
            return null;
        }

        if (latitude is { } lat && longitude is { } lon && new GeoPoint(lat, lon) is { IsValid: true } point)
        {
            return point;
        }

        errors.Add($"{path}.latitude", "Latitude (-90..90) and longitude (-180..180) must be given together.");
        return null;
    }

    public static string? Url(string? value, string field, ValidationErrors errors)
    {
        var text = TextSanitizer.Line(value);
        if (text is null)
        {
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            if (uri.UserInfo.Length > 0 || AddressScrubber.CarriesAddress(text))
            {
                // Not echoed: the value is what must not be repeated.
                errors.Add(field, "Must not carry user info or an e-mail address.");
                return null;
            }

            return uri.AbsoluteUri;
        }

        errors.Add(field, $"'{Truncate(text)}' is not an absolute http(s) URL.");
        return null;
    }
}
