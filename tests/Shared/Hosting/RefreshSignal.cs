using FeedProxy.Upstream;
using Microsoft.Extensions.DependencyInjection;

namespace FeedProxy.Testing;

/// <summary>The refresher's own signal that a refresh completed, for tests to wait on instead of sleeping.</summary>
internal static class RefreshSignal
{
    /// <summary>
    /// The next completed refresh of <paramref name="eventId"/> on any of <paramref name="instances"/>
    /// (their <see cref="SourceRefresher.Refreshed"/> event), listened for from this call on:
    /// call it before whatever brings the refresh about.
    /// </summary>
    public static Task<SourceStatus> Next(string eventId, params IServiceProvider[] instances)
    {
        var done = new TaskCompletionSource<SourceStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (var services in instances)
        {
            var refresher = services.GetRequiredService<SourceRefresher>();
            void OnRefreshed(string id, SourceStatus status)
            {
                if (id == eventId)
                {
                    refresher.Refreshed -= OnRefreshed;
                    done.TrySetResult(status);
                }
            }

            refresher.Refreshed += OnRefreshed;
        }

        return done.Task;
    }
}
