using System.Net;
using System.Text;
using Alba;
using FeedProxy.Changes;
using FeedProxy.Formats.Changes;
using FeedProxy.Production.Tests.Infrastructure;
using FeedProxy.Testing;
using Microsoft.AspNetCore.Hosting;
using NodaTime;
using Xunit.Abstractions;

namespace FeedProxy.Production.Tests.Scenarios;

/// <summary>
/// The same edits, made through the admin API of an embedded-store instance and of a PostgreSQL
/// instance, yield the same change items: the file store's change detector and the PostgreSQL
/// triggers (migrations 0004 and 0006) follow one set of rules, renames of speakers and rooms
/// included.
/// </summary>
[Collection(UsesServers.Name)]
public sealed class ChangeLogParityTests(ServersFixture servers, ITestOutputHelper output)
{
    private sealed record Edit(string Name, string Json);

    private static string Event(
        string speakerOne = "Ada Lovelace", string speakerTwo = "Grace Hopper", string roomOne = "Hall A",
        string s1Start = "10:00", string s1End = "10:30", string s1Speakers = "\"sp1\"",
        string s2Title = "Compilers", string s2Speakers = "\"sp2\", \"sp1\"",
        string s3State = "confirmed", bool withS4 = false, string s5Room = "r2") => $$"""
    {
      "name": "Parity Conference",
      "timeZone": "Europe/Brussels",
      "rooms": [ { "id": "r1", "name": "{{roomOne}}" }, { "id": "r2", "name": "Lab" } ],
      "speakers": [ { "id": "sp1", "name": "{{speakerOne}}" }, { "id": "sp2", "name": "{{speakerTwo}}" }, { "id": "sp3", "name": "Alan Turing" } ],
      "sessions": [
        { "id": "s1", "title": "Engines", "start": "2027-02-06T{{s1Start}}:00+01:00", "end": "2027-02-06T{{s1End}}:00+01:00", "room": "r1", "speakers": [{{s1Speakers}}] },
        { "id": "s2", "title": "{{s2Title}}", "start": "2027-02-06T11:00:00+01:00", "end": "2027-02-06T11:30:00+01:00", "room": "r1", "speakers": [{{s2Speakers}}] },
        { "id": "s3", "title": "Machines", "start": "2027-02-06T12:00:00+01:00", "end": "2027-02-06T12:30:00+01:00", "room": "r2", "state": "{{s3State}}", "speakers": ["sp3"] },
        { "id": "s5", "title": "Draft", "start": "2027-02-06T13:00:00+01:00", "end": "2027-02-06T13:30:00+01:00", "room": "{{s5Room}}", "state": "draft", "speakers": ["sp1"] }
        {{(withS4 ? ", { \"id\": \"s4\", \"title\": \"Closing\", \"start\": \"2027-02-06T17:00:00+01:00\", \"end\": \"2027-02-06T17:30:00+01:00\", \"room\": \"r1\", \"speakers\": [\"sp1\"] }" : string.Empty)}}
      ]
    }
    """;

    private static readonly Edit[] Edits =
    [
        new("rename a speaker", Event(speakerOne: "Ada King")),
        new("rename a room", Event(speakerOne: "Ada King", roomOne: "Main Hall")),
        new("move a session and rename the other speaker at once", Event(speakerOne: "Ada King", roomOne: "Main Hall", s1Start: "10:15", s1End: "10:45", speakerTwo: "Grace B. Hopper")),
        new("retitle and drop a speaker", Event(speakerOne: "Ada King", roomOne: "Main Hall", s1Start: "10:15", s1End: "10:45", speakerTwo: "Grace B. Hopper", s2Title: "Compilers, revised", s2Speakers: "\"sp2\"")),
        new("cancel one, add one, rename a speaker and a room used by drafts only", Event(speakerOne: "Ada", roomOne: "Main Hall", s1Start: "10:15", s1End: "10:45", speakerTwo: "Grace B. Hopper", s2Title: "Compilers, revised", s2Speakers: "\"sp2\"", s3State: "cancelled", withS4: true)),
        new("add a speaker, rename both of a session's speakers", Event(speakerOne: "Ada L.", roomOne: "Main Hall", s1Start: "10:15", s1End: "10:45", speakerTwo: "Grace", s2Title: "Compilers, revised", s2Speakers: "\"sp2\", \"sp1\"", s3State: "cancelled", withS4: true)),
        new("move a draft to another room (no news)", Event(speakerOne: "Ada L.", roomOne: "Main Hall", s1Start: "10:15", s1End: "10:45", speakerTwo: "Grace", s2Title: "Compilers, revised", s2Speakers: "\"sp2\", \"sp1\"", s3State: "cancelled", withS4: true, s5Room: "r1")),
    ];

    [Fact]
    public async Task SameEdits_SameChangeItems_OnTheFileStoreAndOnPostgreSql()
    {
        var root = Directory.CreateTempSubdirectory("feedproxy-parity-").FullName;
        try
        {
            using var files = await AlbaHost.For<Program>(builder => Configure(builder, root, postgres: null));
            using var postgres = await AlbaHost.For<Program>(builder => Configure(builder, root, postgres: servers.Postgres.CreateDatabaseAsync().GetAwaiter().GetResult()));
            await PutAsync(files, Event());
            await PutAsync(postgres, Event());

            var seen = 0;
            foreach (var edit in Edits)
            {
                // One second apart: each store stamps detection in whole seconds.
                await Task.Delay(1100);
                await PutAsync(files, edit.Json);
                await PutAsync(postgres, edit.Json);
                var fromFiles = await ChangesAsync(files);
                var fromPostgres = await ChangesAsync(postgres);
                output.WriteLine($"{edit.Name}:\n  files:    {string.Join("\n            ", fromFiles.Skip(seen))}\n  postgres: {string.Join("\n            ", fromPostgres.Skip(seen))}");
                Assert.Equal(fromFiles, fromPostgres);
                seen = fromFiles.Count;
            }

            var all = await ChangesAsync(files);
            Assert.Contains(all, c => c.StartsWith("Speakers s1 ", StringComparison.Ordinal) && c.Contains("Ada Lovelace -> Ada King", StringComparison.Ordinal));
            Assert.Contains(all, c => c.StartsWith("Moved s1 ", StringComparison.Ordinal) && c.Contains("Hall A -> Main Hall", StringComparison.Ordinal));
            Assert.DoesNotContain(all, c => c.Contains(" s5 ", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task RenamingASpeakerThroughItsOwnUrl_IsASpeakersChange_InBothChangeFeeds()
    {
        var root = Directory.CreateTempSubdirectory("feedproxy-parity-").FullName;
        try
        {
            using var files = await AlbaHost.For<Program>(builder => Configure(builder, root, postgres: null));
            using var postgres = await AlbaHost.For<Program>(builder => Configure(builder, root, postgres: servers.Postgres.CreateDatabaseAsync().GetAwaiter().GetResult()));
            foreach (var host in new[] { files, postgres })
            {
                await PutAsync(host, Event());
                await PutAsync(host, "{ \"name\": \"Ada King\" }", "/admin/events/parity/speakers/sp1");
            }

            var fromFiles = await ChangesAsync(files);
            Assert.Equal(fromFiles, await ChangesAsync(postgres));
            Assert.Contains(fromFiles, c => c.StartsWith("Speakers s1 ", StringComparison.Ordinal) && c.Contains("Ada Lovelace -> Ada King", StringComparison.Ordinal));
            Assert.Contains(fromFiles, c => c.StartsWith("Speakers s2 ", StringComparison.Ordinal) && c.Contains("Grace Hopper, Ada Lovelace -> Grace Hopper, Ada King", StringComparison.Ordinal));
            foreach (var host in new[] { files, postgres })
            {
                var rss = await host.Server.CreateClient().GetStringAsync(new Uri("/events/parity/changes.rss", UriKind.Relative));
                Assert.Contains("Ada King", rss, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private void Configure(IWebHostBuilder builder, string root, string? postgres)
    {
        var name = postgres is null ? "files" : "postgres";
        builder.UseEnvironment("Testing");
        builder.ConfigureLogging(logging => logging.RouteToTestLog());
        builder.UseSetting("FeedProxy:AdminToken", AppInstance.AdminToken);
        builder.UseSetting("FeedProxy:EventsPath", Path.Combine(root, name, "events"));
        builder.UseSetting("FeedProxy:CollectionsPath", Path.Combine(root, name, "collections"));
        builder.UseSetting("FeedProxy:StatePath", Path.Combine(root, name, "state"));
        builder.UseSetting("FeedProxy:UidDomain", "parity.feedproxy.example");
        builder.UseSetting("FeedProxy:RateLimit:PermitsPerMinute", "0");
        if (postgres is not null)
        {
            builder.UseSetting("ConnectionStrings:Postgres", postgres);
        }

        output.WriteLine($"{name} host configured");
    }

    private static async Task PutAsync(IAlbaHost host, string json, string path = "/admin/events/parity")
    {
        using var client = host.Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AppInstance.AdminToken);
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await client.PutAsync(new Uri(path, UriKind.Relative), content);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Every item as one comparable line, oldest first; ids and detection times differ between stores by nature.</summary>
    private static async Task<List<string>> ChangesAsync(IAlbaHost host)
    {
        var log = (IChangeLog)host.Services.GetService(typeof(IChangeLog))!;
        var changes = await log.ReadAsync(["parity"], Instant.FromUtc(2000, 1, 1, 0, 0), 1000, CancellationToken.None);
        return
        [
            .. changes
                .OrderBy(c => c.DetectedAt).ThenBy(c => c.SessionId, StringComparer.Ordinal).ThenBy(c => c.Kind)
                .Select(Describe),
        ];
    }

    private static string Describe(ScheduleChange c) =>
        $"{c.Kind} {c.SessionId} '{c.Title}' title {c.OldTitle} -> | times {c.OldStart}-{c.OldEnd} -> {c.NewStart}-{c.NewEnd} | room {c.OldRoom} -> {c.NewRoom} | speakers {c.OldSpeakers} -> {c.NewSpeakers}";
}
