namespace FeedProxy.Formats.Model;

/// <summary>A WGS84 position (RFC 5545 §3.8.1.6 GEO).</summary>
public readonly record struct GeoPoint(double Latitude, double Longitude)
{
    public bool IsValid =>
        double.IsFinite(Latitude) && double.IsFinite(Longitude)
        && Latitude is >= -90 and <= 90 && Longitude is >= -180 and <= 180;
}

/// <summary>Where the whole event takes place.</summary>
public sealed record Venue
{
    public required string Name { get; init; }
    public string? Address { get; init; }
    public GeoPoint? Geo { get; init; }
}

/// <summary>A room (Open Event's "microlocation", frab's room).</summary>
public sealed record Room
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public int? Floor { get; init; }
    public GeoPoint? Geo { get; init; }
}

/// <summary>A track; <see cref="Color"/> is "#rrggbb" when known.</summary>
public sealed record Track
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Color { get; init; }
}

/// <summary>
/// A speaker as feeds may show them. There is deliberately no e-mail property: contact
/// data never reaches this model, so no writer can leak it.
/// </summary>
public sealed record Speaker
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Organisation { get; init; }
    public string? Position { get; init; }
}
