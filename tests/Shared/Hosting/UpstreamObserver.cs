using System.Net;
using FeedProxy.Upstream;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FeedProxy.Testing;

/// <summary>
/// Lets an <see cref="UpstreamServer"/> see the application's requests to it through the
/// application's own upstream HttpClient, so <see cref="UpstreamServer.QuietAsync"/> knows when
/// the application can only be waiting on its clock (<see cref="DrivenClock.DriveAsync{T}"/>).
/// </summary>
internal static class UpstreamObserver
{
    private static readonly AsyncLocal<UpstreamSend?> Current = new();

    /// <summary>
    /// Two handlers on <paramref name="client"/>: the outermost spans the whole send, from before
    /// the resilience pipeline (built on first use for each origin, slowly on a busy machine) to
    /// its end; the innermost spans each attempt until its whole answer (or a failure) is in.
    /// Between a failed attempt and the next the send waits for its retry delay, on the clock.
    /// The upstream's slow answers are paced on the application's clock when it is a
    /// <see cref="DrivenClock"/>. The application's refreshes under way (<see cref="SourceRefresher.Running"/>) are reported
    /// too: outside a send, a refresh is preparing one, parsing or storing, not waiting on the clock.
    /// </summary>
    public static IHttpClientBuilder ObservedBy(this IHttpClientBuilder client, UpstreamServer upstream)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(upstream);
        client.Services.AddHostedService(services =>
        {
            if (services.GetRequiredService<TimeProvider>() is DrivenClock clock)
            {
                // A slow answer is slow on the clock that times it.
                upstream.Pace = clock.NextAdvanceAsync;
            }

            return new RefreshWatch(services.GetRequiredService<SourceRefresher>(), upstream);
        });
        return client.AddHttpMessageHandler(() => new AttemptHandler(upstream))
            .ConfigureAdditionalHttpMessageHandlers((handlers, _) => handlers.Insert(0, new SendHandler(upstream)));
    }

    /// <summary>Passes the changes of one instance's <see cref="SourceRefresher.Running"/> on to the upstream.</summary>
    private sealed class RefreshWatch(SourceRefresher refresher, UpstreamServer upstream) : IHostedService
    {
        private readonly Lock _gate = new();
        private int _reported;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            refresher.RunningChanged += Report;
            // A refresh the refresher began before this started is counted too.
            Report();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            refresher.RunningChanged -= Report;
            lock (_gate)
            {
                upstream.ChangeRefreshing(-_reported);
                _reported = 0;
            }

            return Task.CompletedTask;
        }

        private void Report()
        {
            lock (_gate)
            {
                var running = refresher.Running;
                upstream.ChangeRefreshing(running - _reported);
                _reported = running;
            }
        }
    }

    private sealed class SendHandler(UpstreamServer upstream) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!upstream.Serves(request))
            {
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }

            var send = upstream.BeginSend();
            Current.Value = send;
            try
            {
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                upstream.EndSend(send);
            }
        }
    }

    private sealed class AttemptHandler(UpstreamServer upstream) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!upstream.Serves(request))
            {
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }

            var send = Current.Value;
            upstream.BeginAttempt(send);
            var failed = true;
            try
            {
                // The body is part of the answer: while it arrives the client waits on the
                // server, not on its clock (a held body, SlowDrip, counts as held there too).
                var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
                try
                {
                    await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    response.Dispose();
                    throw;
                }

                failed = (int)response.StatusCode >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
                return response;
            }
            finally
            {
                upstream.EndAttempt(send, failed);
            }
        }
    }
}
