using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using FeedProxy.Storage;

namespace FeedProxy.Collections;

/// <summary>
/// A collection's version: the hash of its definition's version and each member event's
/// version (or absence). Fixed length whatever the number of members, and new whenever any
/// of them changes, so any member edit makes new cache keys at once. Thread-safe.
/// </summary>
internal sealed class CollectionVersions(IEventStore store)
{
    // Only collections that exist (their number is the administrator's), and never more than
    // this many: beyond it a version is computed without being remembered.
    private const int MaxRemembered = 10_000;

    // The last version computed per collection, with what it was computed from.
    private readonly ConcurrentDictionary<string, CollectionVersion> _versions = new(StringComparer.Ordinal);

    /// <summary>
    /// The collection's version. The last hash per collection is kept with its inputs, so an
    /// unchanged collection costs one (in-memory) version lookup per member, no hashing and no
    /// allocation: this runs on every request for the collection, 304s included.
    /// </summary>
    public async ValueTask<string> VersionAsync(CollectionSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var id = snapshot.Definition.Id;
        _versions.TryGetValue(id, out var last);
        var memberIds = last is not null && ReferenceEquals(last.Snapshot, snapshot)
            ? last.MemberIds
            : [.. snapshot.Definition.Members.Select(m => m.EventId).Distinct(StringComparer.Ordinal)];
        var unchanged = last is not null && string.Equals(last.Snapshot.Version, snapshot.Version, StringComparison.Ordinal) && last.MemberIds.AsSpan().SequenceEqual(memberIds);

        var memberVersions = unchanged ? null : new string[memberIds.Length];
        for (var i = 0; i < memberIds.Length; i++)
        {
            var version = await store.GetVersionAsync(memberIds[i], cancellationToken) ?? "-";
            if (memberVersions is null)
            {
                if (string.Equals(version, last!.MemberVersions[i], StringComparison.Ordinal))
                {
                    continue;
                }

                memberVersions = new string[memberIds.Length];
                last.MemberVersions.AsSpan(0, i).CopyTo(memberVersions);
            }

            memberVersions[i] = version;
        }

        if (memberVersions is null)
        {
            return last!.Hash;
        }

        var text = new StringBuilder(snapshot.Version);
        for (var i = 0; i < memberIds.Length; i++)
        {
            text.Append('\u001f').Append(memberIds[i]).Append('=').Append(memberVersions[i]);
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())).AsSpan(0, 16));
        if (_versions.Count < MaxRemembered || _versions.ContainsKey(id))
        {
            _versions[id] = new CollectionVersion(snapshot, memberIds, memberVersions, hash);
        }

        return hash;
    }

    /// <summary>A collection's version with what it was computed from.</summary>
    private sealed record CollectionVersion(CollectionSnapshot Snapshot, string[] MemberIds, string[] MemberVersions, string Hash);
}
