using NodaTime;
using Npgsql;

namespace FeedProxy.Storage.Postgres;

/// <summary>The one way every PostgreSQL reader turns a NULL column into a null value.</summary>
internal static class NullableColumns
{
    public static string? GetStringOrNull(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static int? GetInt32OrNull(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    /// <summary>A timestamptz column (read as UTC) as an instant.</summary>
    public static Instant? GetInstantOrNull(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Instant.FromDateTimeUtc(reader.GetFieldValue<DateTime>(ordinal));
}
