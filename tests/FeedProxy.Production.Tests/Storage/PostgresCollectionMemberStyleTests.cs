using System.Collections.Immutable;
using FeedProxy.Collections;
using FeedProxy.Production.Tests.Infrastructure;
using NodaTime;
using Npgsql;

namespace FeedProxy.Production.Tests.Storage;

/// <summary>A collection member's prefix and colour survive PostgreSQL, and migration 0013 refuses hand-written rows the application would refuse.</summary>
[Collection(UsesServers.Name)]
public sealed class PostgresCollectionMemberStyleTests(ServersFixture servers)
{
    [Fact]
    public async Task PrefixAndColor_RoundTrip()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(servers);
        var store = new PostgresCollectionStore(database.DataSource);
        var definition = new CollectionDefinition
        {
            Id = "clubs",
            Name = "Clubs",
            LastModified = Instant.FromUtc(2027, 1, 1, 0, 0),
            Members =
            [
                new CollectionMember("chess", ImmutableSortedDictionary<string, ImmutableSortedSet<string>>.Empty) { Prefix = "[Chess] ", Color = "#1e90ff" },
                new CollectionMember("climbing", ImmutableSortedDictionary<string, ImmutableSortedSet<string>>.Empty.Add("not.track", ["hallway"])) { Color = "orange" },
            ],
        };

        Assert.True(await store.PutAsync(definition, CancellationToken.None));
        var read = (await store.GetAsync("clubs", CancellationToken.None))!.Definition;

        Assert.Equal("[Chess] ", read.Members[0].Prefix);
        Assert.Equal("#1e90ff", read.Members[0].Color);
        Assert.Null(read.Members[1].Prefix);
        Assert.Equal("orange", read.Members[1].Color);
        Assert.Equal(["hallway"], read.Members[1].Filters["not.track"]);
    }

    [Theory]
    [InlineData("""{"name":"x","members":[{"event":"a","color":"rgb(1,2,3)"}]}""")]
    [InlineData("""{"name":"x","members":[{"event":"a","color":7}]}""")]
    [InlineData("""{"name":"x","members":[{"event":"a","prefix":"line\nbreak"}]}""")]
    [InlineData("""{"name":"x","members":[{"event":"a","prefix":"012345678901234567890123456789012345678901234567890"}]}""")]
    public async Task HandWrittenRow_WithAnInvalidStyle_IsRefused(string json)
    {
        await using var database = await PostgresTestDatabase.CreateAsync(servers);
        await using var command = database.DataSource.CreateCommand("INSERT INTO collections (id, definition) VALUES ('bad', $1::jsonb)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = json });

        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
    }

    [Fact]
    public async Task HandWrittenRow_WithAValidStyle_IsKept()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(servers);
        await using var command = database.DataSource.CreateCommand(
            """INSERT INTO collections (id, definition) VALUES ('good', '{"name":"x","members":[{"event":"a","prefix":"[A] ","color":"#abc"},{"event":"b","color":"teal"},{"event":"c"}]}'::jsonb)""");

        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
