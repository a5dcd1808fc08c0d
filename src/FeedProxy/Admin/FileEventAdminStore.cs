using System.Text.Json;
using FeedProxy.Formats.Json;
using FeedProxy.Formats.Model;
using FeedProxy.Storage;
using Microsoft.Extensions.Options;

namespace FeedProxy.Admin;

/// <summary>
/// Admin writes for the embedded store: the event's JSON file is replaced atomically
/// (write to a temporary file, then rename) and reloaded before the call returns. Deleting an
/// event deletes its source file (<c>{id}.source.json</c>) first: an event without a source is a
/// safe state to stop in, a source without its event would re-create it on the next refresh.
/// </summary>
internal sealed class FileEventAdminStore(IOptions<FeedProxyOptions> options, FileEventStore store, Upstream.ISourceStore sources) : IEventAdminStore, IDisposable
{
    private readonly string _folder = Path.GetFullPath(options.Value.EventsPath);
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public async Task SaveAsync(Event model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var json = EventJsonWriter.FromModel(model);
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(_folder);
            var path = PathOf(model.Id);
            var temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
            // Serialized straight into the file: a schedule of tens of MB never becomes one array.
            try
            {
                await using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
                await JsonSerializer.SerializeAsync(file, json, EventJsonContext.Writer.EventJson, cancellationToken);
            }
            catch
            {
                File.Delete(temp);
                throw;
            }

            File.Move(temp, path, overwrite: true);
            store.ReloadAll(wait: true, force: model.Id);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<bool> DeleteAsync(string eventId, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            var path = PathOf(eventId);
            var hadSource = await sources.DeleteAsync(eventId, cancellationToken);
            if (!File.Exists(path))
            {
                return hadSource;
            }

            File.Delete(path);
            store.ReloadAll(wait: true);
            return true;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Dispose() => _writeLock.Dispose();

    private string PathOf(string eventId) =>
        ScheduleId.IsValid(eventId) ? Path.Combine(_folder, eventId + ".json") : throw new ArgumentException("Invalid event id.", nameof(eventId));
}
