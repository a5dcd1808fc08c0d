using FeedProxy.Admin;
using FeedProxy.Formats.Model;
using FeedProxy.Storage;

namespace FeedProxy.Private;

/// <summary>
/// Command-line hook for operators without the admin API:
/// <c>rotate-token {eventId} [--make-private]</c> prints the event's new private page path
/// (feeds: append .ics, .xcs, .rss, .atom or .json) and exits. Works on the shared token
/// store, so running servers honour the new token on their next request.
/// </summary>
internal static class TokenCommand
{
    public const string Name = "rotate-token";

    /// <summary>
    /// A public event is refused unless <paramref name="makePrivate"/>: its feeds are open at
    /// the public URLs, so a secret URL would give the operator a false sense of privacy.
    /// </summary>
    public static async Task<int> RunAsync(IServiceProvider services, string eventId, bool makePrivate, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (await services.GetRequiredService<IEventStore>().GetAsync(eventId, cancellationToken) is not { } snapshot)
        {
            await error.WriteLineAsync($"{Name}: no event '{eventId}'.");
            return 1;
        }

        if (snapshot.Event.Visibility != EventVisibility.Private)
        {
            if (!makePrivate)
            {
                await error.WriteLineAsync(
                    $"{Name}: event '{eventId}' is public: anyone can read its feeds at /events/{eventId}.ics, so a secret URL would protect nothing. "
                    + $"Run `{Name} {eventId} --make-private` to make it private (its public URLs then answer 404) and get its secret URL.");
                return 1;
            }

            await services.GetRequiredService<IEventAdminStore>().SaveAsync(snapshot.Event with { Visibility = EventVisibility.Private }, cancellationToken);
            await error.WriteLineAsync($"Event '{eventId}' is now private: /events/{eventId} and its feeds answer 404.");
        }

        var token = await services.GetRequiredService<PrivateAccess>().RotateAsync(eventId, cancellationToken);
        await output.WriteLineAsync("/" + PrivateAccess.PathFor(eventId, token));
        return 0;
    }
}
