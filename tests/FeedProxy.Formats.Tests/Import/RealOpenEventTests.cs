using System.IO.Compression;
using System.Text;
using System.Text.Json;
using FeedProxy.Formats.Import;
using FeedProxy.Formats.Model;
using NodaTime;
using Xunit.Abstractions;

namespace FeedProxy.Formats.Tests.Import;

/// <summary>The FOSSASIA Open Event exports in ../shared/data/fossasia-open-event (one folder of extension-less JSON files per year).</summary>
public sealed class RealOpenEventTests(RealScheduleFixture fixture, ITestOutputHelper output) : IClassFixture<RealScheduleFixture>
{
    private const string Folder = "fossasia-open-event/FOSSASIASummit";

    [Theory]
    [InlineData("2016", 491, 491, 185)]
    [InlineData("2017", 214, 214, 184)]
    [InlineData("2018", 371, 234, 298)]
    public void Import_RealExport_MatchesSourceCounts(string year, int sessions, int publicSessions, int speakersInSessions)
    {
        if (!ScheduleData.TryGet(Folder + year, output, out var path))
        {
            return;
        }

        var model = fixture.Get(path, null).First;

        Assert.Equal(sessions, model.Sessions.Count);
        Assert.Equal(publicSessions, model.Sessions.Count(s => s.State.IsPublic()));
        Assert.Equal("Asia/Singapore", model.TimeZone);
        // The speakers files list 187, 207 and 341 people; the model keeps those named by a session.
        Assert.Equal(speakersInSessions, model.Speakers.Count);
        ModelChecks.AssertWellFormed(model);
    }

    [Fact]
    public void Import_2018_MapsEveryStateAndNeverPublishesRejectedOrDraft()
    {
        if (!ScheduleData.TryGet(Folder + "2018", output, out var path))
        {
            return;
        }

        var states = fixture.Get(path, null).First.Sessions.GroupBy(s => s.State).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(234, states[SessionState.Accepted]);
        Assert.Equal(131, states[SessionState.Rejected]);
        Assert.Equal(4, states[SessionState.Pending]);
        Assert.Equal(2, states[SessionState.Draft]);
    }

    [Theory]
    [InlineData("2016")]
    [InlineData("2017")]
    [InlineData("2018")]
    public void Import_RealExport_LeavesNoSpeakerEmail(string year)
    {
        if (!ScheduleData.TryGet(Folder + year, output, out var path))
        {
            return;
        }

        var json = ScheduleData.Serialize(fixture.Get(path, null).First);
        var emails = new List<string>();
        foreach (var file in Directory.GetFiles(path))
        {
            CollectEmails(JsonDocument.Parse(File.ReadAllBytes(file)).RootElement, emails);
        }

        output.WriteLine($"{emails.Count} e-mail fields in the export");
        ModelChecks.AssertAbsent(emails, json);
        ModelChecks.AssertAbsent(Directory.GetFiles(path).SelectMany(f => ModelChecks.SourceEmails(File.ReadAllText(f))), json);
        ModelChecks.AssertNoEmailAddresses(json);
    }

    [Theory]
    [InlineData("2016")]
    [InlineData("2017")]
    [InlineData("2018")]
    public void Reimport_RealExport_YieldsIdenticalIds(string year)
    {
        if (!ScheduleData.TryGet(Folder + year, output, out var path))
        {
            return;
        }

        var (first, second) = fixture.Get(path, null);
        Assert.Equal(first.Sessions.Select(s => s.Id), second.Sessions.Select(s => s.Id));
        Assert.Equal(ScheduleData.Serialize(first), ScheduleData.Serialize(second));
    }

    [Fact]
    public void Import_2016_RepairsDoubleDecodedNamesAndReadsRooms()
    {
        if (!ScheduleData.TryGet(Folder + "2016", output, out var path))
        {
            return;
        }

        var model = fixture.Get(path, null).First;
        // Every double-decoded name in the source appears repaired (Latin-1 bytes read as UTF-8).
        var mangled = ScheduleData.JsonRoot(Path.Combine(path, "speakers")).EnumerateArray()
            .Select(s => s.GetProperty("name").GetString()!)
            .Where(n => n.Contains('\u00C3', StringComparison.Ordinal) || n.Contains('\u00C5', StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(mangled);
        foreach (var name in mangled)
        {
            var repaired = Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(name));
            Assert.Contains(model.Speakers, s => s.Name == repaired);
        }

        Assert.DoesNotContain(model.Speakers, s => s.Name.Contains('\u00C3', StringComparison.Ordinal));
        var opening = model.Sessions.Single(s => s.Id == "1");
        var source = ScheduleData.JsonRoot(Path.Combine(path, "sessions")).EnumerateArray().Single(s => s.GetProperty("id").GetInt32() == 1);
        Assert.Equal(source.GetProperty("title").GetString(), opening.Title);
        Assert.Equal(Instant.FromUtc(2016, 3, 18, 1, 30), opening.Start);
        Assert.Equal(Instant.FromUtc(2016, 3, 18, 2, 0), opening.End);
        Assert.Equal(source.GetProperty("session-type").GetProperty("name").GetString(), opening.Type);
        Assert.Equal("#3DC8C3", opening.Track?.Color);
        Assert.Equal(1, opening.Room?.Floor);
        Assert.NotNull(opening.Room?.Geo);
        Assert.Equal(source.GetProperty("speakers")[0].GetProperty("organisation").GetString(), Assert.Single(opening.Speakers).Organisation);
    }

    [Fact]
    public void Import_2018_SnakeCaseKeys()
    {
        if (!ScheduleData.TryGet(Folder + "2018", output, out var path))
        {
            return;
        }

        var model = fixture.Get(path, null).First;
        var session = model.Sessions.Single(s => s.Id == "4288");
        var source = ScheduleData.JsonRoot(Path.Combine(path, "sessions")).EnumerateArray().Single(s => s.GetProperty("id").GetInt32() == 4288);
        Assert.Equal(source.GetProperty("title").GetString(), session.Title);
        Assert.Equal(SessionState.Rejected, session.State);
        Assert.Equal(Instant.FromUtc(2018, 3, 22, 4, 0), session.Start);
        Assert.Equal(source.GetProperty("session_type").GetProperty("name").GetString(), session.Type);
        Assert.Equal("#0050EB", session.Track?.Color);
        Assert.Contains(model.Speakers, s => s.Name.Any(c => c is >= '\u4E00' and <= '\u9FFF')); // CJK intact
    }

    [Fact]
    public void Import_CombinedDocumentAndZip_EqualTheFolderImport()
    {
        if (!ScheduleData.TryGet(Folder + "2017", output, out var path))
        {
            return;
        }

        var expected = ScheduleData.Serialize(fixture.Get(path, null).First);
        var options = new ImportOptions { ImportedAt = ScheduleData.ImportedAt };

        // {"event": <event>, "sessions": <sessions>, ...} built from the export's files.
        var combined = new StringBuilder("{");
        foreach (var file in Directory.GetFiles(path).Order(StringComparer.Ordinal))
        {
            combined.Append(combined.Length > 1 ? "," : "").Append('"').Append(Path.GetFileName(file)).Append("\":").Append(File.ReadAllText(file));
        }

        combined.Append('}');
        var combinedBytes = Encoding.UTF8.GetBytes(combined.ToString());
        Assert.IsType<OpenEventImporter>(ScheduleImporters.Detect("application/json", combinedBytes.AsSpan(0, 4096)));
        Assert.Equal(expected, ScheduleData.Serialize(ScheduleImporters.Import(new MemoryStream(combinedBytes), "application/json", options)));

        // The server's zip: same files inside a folder.
        var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var file in Directory.GetFiles(path))
            {
                archive.CreateEntryFromFile(file, "export/" + Path.GetFileName(file));
            }
        }

        zip.Position = 0;
        Assert.Equal(expected, ScheduleData.Serialize(ScheduleImporters.Import(zip, "application/zip", options)));
    }

    private static void CollectEmails(JsonElement element, List<string> found)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name.Contains("email", StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String
                        && property.Value.GetString() is { } value && value.Contains('@', StringComparison.Ordinal))
                    {
                        found.Add(value);
                    }

                    CollectEmails(property.Value, found);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    CollectEmails(item, found);
                }

                break;
        }
    }
}
