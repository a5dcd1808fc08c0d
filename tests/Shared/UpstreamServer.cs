using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace FeedProxy.Testing;

/// <summary>What the upstream does wrong on the next requests.</summary>
internal enum UpstreamFault
{
    None,
    /// <summary>500 Internal Server Error.</summary>
    ServerError,
    /// <summary>No answer until the client gives up.</summary>
    Timeout,
    /// <summary>A 200 whose body arrives a few bytes at a time, slower than any time cap.</summary>
    SlowDrip,
    /// <summary>A 200 that declares the full length and closes the connection halfway.</summary>
    Truncated,
    /// <summary>A 200 with bytes that are not the format (an HTML error page), with a new ETag.</summary>
    Garbage,
    /// <summary>Every response rewrites DTSTAMP to the current time and never answers 304 (Google's basic.ics).</summary>
    ChangingDtStamp,
}

/// <summary>One request as the upstream saw it.</summary>
internal sealed record UpstreamRequest(string Path, string? IfNoneMatch, string? IfModifiedSince, string? Authorization, int Status);

/// <summary>One send of the application's to the upstream: whether it now waits for a retry (guarded by the server's lock).</summary>
internal sealed class UpstreamSend
{
    public bool Retrying { get; set; }
}

/// <summary>
/// A real HTTP server on a loopback port (HttpListener) standing in for a calendar publisher,
/// schedule server or Open Event Server: serves byte arrays with a strong ETag and a
/// Last-Modified, answers If-None-Match / If-Modified-Since with 304 (RFC 9110 §13.1), follows
/// switchable faults, redirects, and logs every request. As Open Event Server it behaves as that
/// server does (read from its code): weak ETags, a 304 without an ETag, no Last-Modified, a 404
/// for a trailing slash, sessions in the order of an unsorted PostgreSQL query (an edited row
/// moves to the end) unless <c>sort=id</c> is asked for.
/// </summary>
internal sealed class UpstreamServer : IDisposable
{
    private readonly HttpListener _listener;
    private readonly ConcurrentDictionary<string, Resource> _resources = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _redirects = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<UpstreamRequest> _requests = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private sealed record Resource(byte[] Body, string ContentType, string ETag, DateTimeOffset LastModified, bool Validators = true, bool OpenEvent = false);

    /// <summary>
    /// Application settings for sources on this server: loopback allowed, intervals down to one
    /// second polled every 100 ms, short time caps and one quick retry, so a test sees refreshes
    /// and faults in seconds, not minutes. Shared by every test that runs sources against it.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> SourceSettings { get; } = new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["FeedProxy:Upstream:AllowPrivateNetworks"] = "true",
        ["FeedProxy:Upstream:MinRefreshSeconds"] = "1",
        ["FeedProxy:Upstream:PollMilliseconds"] = "100",
        ["FeedProxy:Upstream:TimeoutSeconds"] = "3",
        ["FeedProxy:Upstream:AttemptTimeoutSeconds"] = "2",
        ["FeedProxy:Upstream:Retries"] = "1",
        ["FeedProxy:Upstream:RetryDelayMilliseconds"] = "50",
    };

    public UpstreamServer()
    {
        // A second origin on the same server (localhost) for redirect tests.
        (_listener, BaseUrl) = LoopbackListener.Start(alsoLocalhost: true);
        _loop = Task.Run(AcceptAsync);
    }

    public Uri BaseUrl { get; }

    private readonly Lock _activity = new();
    private int _serving;
    private int _pending;
    private int _held;
    private int _sending;
    private int _retrying;
    private int _refreshing;
    private TaskCompletionSource _quiet = Completed();
    private CancellationTokenSource _faultChanged = new();

    private static TaskCompletionSource Completed()
    {
        var quiet = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        quiet.SetResult();
        return quiet;
    }

    /// <summary>
    /// Completes when nothing is under way between the application and this server but what
    /// waits on the application's clock: no refresh preparing a request, parsing or storing, no
    /// request being sent or answered (as the application reports them: UpstreamObserver in
    /// Hosting), and none but those held on purpose, <see cref="UpstreamFault.Timeout"/>
    /// or between the chunks of <see cref="UpstreamFault.SlowDrip"/>, or waiting for a retry
    /// after a failed attempt.
    /// </summary>
    public Task QuietAsync()
    {
        lock (_activity)
        {
            return _quiet.Task;
        }
    }

    /// <summary>Whether <paramref name="request"/> goes to this server.</summary>
    internal bool Serves(HttpRequestMessage request) =>
        request.RequestUri is { } uri && uri.Port == BaseUrl.Port && uri.IsLoopback;

    /// <summary>A send to this server begins (UpstreamObserver): not quiet until it ends or waits for a retry.</summary>
    internal UpstreamSend BeginSend()
    {
        Change(ref _sending, +1);
        return new UpstreamSend();
    }

    internal void EndSend(UpstreamSend send) => Change(ref _sending, -1, () => LeaveRetry(send));

    /// <summary>An attempt of <paramref name="send"/> (null: one not seen from the outside) is on its way here.</summary>
    internal void BeginAttempt(UpstreamSend? send) => Change(ref _pending, +1, () => LeaveRetry(send));

    /// <summary>The attempt's whole answer is in; a failed one is followed by a retry's delay, on the clock.</summary>
    internal void EndAttempt(UpstreamSend? send, bool failed) => Change(ref _pending, -1, () =>
    {
        if (failed && send is { Retrying: false })
        {
            send.Retrying = true;
            _retrying++;
        }
    });

    private void LeaveRetry(UpstreamSend? send)
    {
        if (send is { Retrying: true })
        {
            send.Retrying = false;
            _retrying--;
        }
    }

    /// <summary>The observed applications' refreshes under way changed by <paramref name="by"/> (UpstreamObserver).</summary>
    internal void ChangeRefreshing(int by) => Change(ref _refreshing, by);

    // Quiet: nothing being answered but what is held; every send in an attempt or waiting for a
    // retry; every refresh under way in a send (not preparing one, parsing or storing).
    private bool IsQuiet() => _serving == 0 && _pending <= _held && _sending <= _pending + _retrying && _refreshing <= _sending;

    private void Change(ref int counter, int by, Action? alsoUnderLock = null)
    {
        TaskCompletionSource? quiet;
        lock (_activity)
        {
            var was = IsQuiet();
            counter += by;
            alsoUnderLock?.Invoke();
            quiet = Transition(was);
        }

        quiet?.TrySetResult();
    }

    private void Update(Action underLock)
    {
        TaskCompletionSource? quiet;
        lock (_activity)
        {
            var was = IsQuiet();
            underLock();
            quiet = Transition(was);
        }

        quiet?.TrySetResult();
    }

    // Under the lock: a new signal when quiet ends; the one to complete when it begins.
    private TaskCompletionSource? Transition(bool was)
    {
        var now = IsQuiet();
        if (was && !now)
        {
            _quiet = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return null;
        }

        return !was && now ? _quiet : null;
    }

    /// <summary>An answer held on purpose; under the lock, counted as held until it ends or its fault does.</summary>
    private sealed class Hold
    {
        public bool Held { get; set; } = true;
    }

    private readonly HashSet<Hold> _holds = [];

    // Under the lock: the held answer is being answered again (its hold ended, or its fault did).
    private void Release(Hold hold)
    {
        if (hold.Held)
        {
            hold.Held = false;
            _held--;
            _serving++;
        }
    }

    /// <summary>
    /// What a slow answer waits for between two of its steps: the application's clock moving on
    /// (the test host's <c>DrivenClock.NextAdvanceAsync</c>), so a drip is slow on the clock that
    /// times it, never on the wall clock. Unset, a drip stalls after its first chunk.
    /// </summary>
    public Func<CancellationToken, Task>? Pace { get; set; }

    /// <summary>
    /// Holds an answer on purpose (the upstream's own slowness), counted as waiting for the
    /// client, not as answering: until <see cref="Pace"/> says the clock moved on when
    /// <paramref name="paced"/>, otherwise until the client has long given up. A change of
    /// <see cref="Fault"/> or the server stopping ends the hold.
    /// </summary>
    private async Task HoldAsync(bool paced, UpstreamFault fault)
    {
        CancellationTokenSource? changed = null;
        var hold = new Hold();
        var held = false;
        Update(() =>
        {
            changed = _faultChanged;
            if (_fault == fault)
            {
                held = true;
                _holds.Add(hold);
                _held++;
                _serving--;
            }
        });
        if (!held)
        {
            // The fault this request was answered with is over: hold it no longer.
            throw new OperationCanceledException();
        }

        using var either = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, changed!.Token);
        try
        {
            await (paced && Pace is { } pace ? pace(either.Token) : Released(either.Token)).ConfigureAwait(false);
        }
        finally
        {
            Update(() =>
            {
                Release(hold);
                _holds.Remove(hold);
            });
        }
    }

    // Completes (cancelled) when the fault changes or the server stops: a signal, not a delay.
    private static Task Released(CancellationToken token)
    {
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.Register(() => released.TrySetCanceled(token));
        return released.Task;
    }

    private volatile UpstreamFault _fault;
    private int _stamps;

    public UpstreamFault Fault
    {
        get => _fault;
        set
        {
            CancellationTokenSource? changed = null;
            Update(() =>
            {
                _fault = value;
                changed = _faultChanged;
                _faultChanged = new CancellationTokenSource();

                // Requests held by the old fault are being answered from now on, not from when
                // their waits wake up: until they have ended the clock waits for them.
                foreach (var hold in _holds)
                {
                    Release(hold);
                }
            });

            // Requests held by the old fault end now.
            changed!.Cancel();
        }
    }

    /// <summary>Open Event Server JSON:API: events under /v1/events/{identifier} are answered from <see cref="OpenEventApiSample"/>.</summary>
    public bool ServeOpenEvent { get; set; }

    /// <summary>Whether Open Event answers carry an ETag and a Last-Modified (and so can be answered 304).</summary>
    public bool OpenEventValidators { get; set; } = true;

    /// <summary>When set, <see cref="OpenEventTitleSuffix"/> applies to the sessions of this page only.</summary>
    public int? OpenEventSuffixPage { get; set; }

    /// <summary>Suffix put on every Open Event session title (a test changes it to change the upstream).</summary>
    public string OpenEventTitleSuffix { get; set; } = string.Empty;

    private readonly Lock _openEventGate = new();
    private readonly Dictionary<int, string> _openEventEdits = [];
    private List<int>? _openEventRows;

    /// <summary>Called with the page number after a sessions page is built and before it is sent (a test edits "between two page reads").</summary>
    public Action<int>? OpenEventPageServed { get; set; }

    /// <summary>An organiser edits a session's title: PostgreSQL then returns its row last in an unsorted query.</summary>
    public void EditOpenEventSession(int number, string titleSuffix)
    {
        lock (_openEventGate)
        {
            var rows = OpenEventRows();
            rows.Remove(number);
            rows.Add(number);
            _openEventEdits[number] = titleSuffix;
        }
    }

    /// <summary>An organiser deletes a session: it leaves the list and the count.</summary>
    public void DeleteOpenEventSession(int number)
    {
        lock (_openEventGate)
        {
            OpenEventRows().Remove(number);
        }
    }

    private List<int> OpenEventRows() => _openEventRows ??= [.. Enumerable.Range(1, OpenEventApiSample.SessionCount)];

    public IReadOnlyList<UpstreamRequest> Requests => [.. _requests];

    public int Count(string path) => _requests.Count(r => r.Path == path);

    public Uri Url(string path) => new(BaseUrl, path.TrimStart('/'));

    public void Set(string path, byte[] body, string contentType)
    {
        var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 12)) + "\"";
        var now = DateTimeOffset.UtcNow;
        _resources[Normalise(path)] = new Resource(body, contentType, etag, new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero));
    }

    public void Set(string path, string body, string contentType) => Set(path, Encoding.UTF8.GetBytes(body), contentType);

    public void Redirect(string path, string location) => _redirects[Normalise(path)] = location;

    private static string Normalise(string path) => "/" + path.TrimStart('/');

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            Change(ref _serving, +1);
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var path = request.Url!.AbsolutePath;
        var status = 200;
        var logged = false;

        // Logged once the answer is decided and before it is sent: whoever gets an answer finds
        // its request in the log.
        void Log()
        {
            if (!logged)
            {
                logged = true;
                _requests.Enqueue(new UpstreamRequest(path, request.Headers["If-None-Match"], request.Headers["If-Modified-Since"], request.Headers["Authorization"], status));
            }
        }

        try
        {
            var fault = Fault;
            if (_redirects.TryGetValue(path, out var location))
            {
                status = 302;
                response.StatusCode = 302;
                response.RedirectLocation = location;
                Log();
                response.Close();
                return;
            }

            switch (fault)
            {
                case UpstreamFault.ServerError:
                    status = 500;
                    response.StatusCode = 500;
                    Log();
                    response.Close();
                    return;
                case UpstreamFault.Timeout:
                    status = 0;
                    Log();
                    await HoldAsync(paced: false, fault).ConfigureAwait(false);
                    response.Abort();
                    return;
            }

            var resource = Find(path, request.Url.Query);
            if (resource is null)
            {
                status = 404;
                response.StatusCode = 404;
                Log();
                response.Close();
                return;
            }

            if (fault == UpstreamFault.Garbage)
            {
                resource = resource with { Body = Encoding.UTF8.GetBytes("<html><body><h1>502 Bad Gateway</h1>" + Guid.NewGuid() + "</body></html>"), ContentType = "text/html", ETag = "\"" + Guid.NewGuid().ToString("N") + "\"" };
            }
            else if (fault == UpstreamFault.ChangingDtStamp)
            {
                var text = Encoding.UTF8.GetString(resource.Body);
                var stamp = "DTSTAMP:" + DateTime.UtcNow.AddSeconds(Interlocked.Increment(ref _stamps)).ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
                text = System.Text.RegularExpressions.Regex.Replace(text, "DTSTAMP:[0-9TZ]+", stamp);
                var body = Encoding.UTF8.GetBytes(text);
                resource = resource with { Body = body, ETag = "\"" + Guid.NewGuid().ToString("N") + "\"", LastModified = DateTimeOffset.UtcNow };
            }
            else if (fault == UpstreamFault.None && resource.Validators && NotModified(request, resource))
            {
                status = 304;
                response.StatusCode = 304;
                if (!resource.OpenEvent)
                {
                    // Open Event Server's 304 carries no ETag (flask's conditional response).
                    response.Headers["ETag"] = resource.ETag;
                }

                Log();
                response.Close();
                return;
            }

            response.StatusCode = 200;
            response.ContentType = resource.ContentType;
            if (resource.Validators)
            {
                response.Headers["ETag"] = resource.ETag;
                if (!resource.OpenEvent)
                {
                    response.Headers["Last-Modified"] = resource.LastModified.ToString("R", CultureInfo.InvariantCulture);
                }
            }
            response.ContentLength64 = resource.Body.Length;
            Log();
            switch (fault)
            {
                case UpstreamFault.SlowDrip:
                    for (var i = 0; i < resource.Body.Length && !_stop.IsCancellationRequested; i += 16)
                    {
                        await response.OutputStream.WriteAsync(resource.Body.AsMemory(i, Math.Min(16, resource.Body.Length - i))).ConfigureAwait(false);
                        await response.OutputStream.FlushAsync().ConfigureAwait(false);
                        await HoldAsync(paced: true, fault).ConfigureAwait(false);
                    }

                    break;
                case UpstreamFault.Truncated:
                    await response.OutputStream.WriteAsync(resource.Body.AsMemory(0, resource.Body.Length / 2)).ConfigureAwait(false);
                    await response.OutputStream.FlushAsync().ConfigureAwait(false);
                    response.Abort();
                    return;
                default:
                    await response.OutputStream.WriteAsync(resource.Body).ConfigureAwait(false);
                    break;
            }

            response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            try
            {
                response.Abort();
            }
            catch (ObjectDisposedException)
            {
            }
        }
        finally
        {
            Log();
            Change(ref _serving, -1);
        }
    }

    private Resource? Find(string path, string query)
    {
        if (_resources.TryGetValue(path, out var resource))
        {
            return resource;
        }

        if (!ServeOpenEvent || !path.StartsWith("/v1/events/", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = path["/v1/events/".Length..].Split('/');
        string json;
        if (rest.Length == 1)
        {
            json = OpenEventApiSample.EventDocument(rest[0]);
        }
        else if (rest.Length == 2 && rest[1] == "sessions")
        {
            var parameters = System.Web.HttpUtility.ParseQueryString(query);
            var number = int.TryParse(parameters["page[number]"], out var n) ? n : 1;
            var size = int.TryParse(parameters["page[size]"], out var s) && s > 0 ? s : 20;
            var everywhere = OpenEventSuffixPage is null || OpenEventSuffixPage == number ? OpenEventTitleSuffix : string.Empty;
            lock (_openEventGate)
            {
                // Without a sort the list query has no ORDER BY: rows come in storage order.
                List<int> rows = parameters["sort"] == "id" ? [.. OpenEventRows().Order()] : [.. OpenEventRows()];
                var edits = new Dictionary<int, string>(_openEventEdits);
                json = OpenEventApiSample.SessionsPage(path, number, size, rows, i => edits.TryGetValue(i, out var edited) ? edited : everywhere);
            }

            OpenEventPageServed?.Invoke(number);
        }
        else
        {
            return null;
        }

        var body = Encoding.UTF8.GetBytes(json);
        // Weak: the server's ETags are computed from the serialised body by flask (W/"...").
        return new Resource(body, "application/vnd.api+json", "W/\"" + Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 12)) + "\"", default, OpenEventValidators, OpenEvent: true);
    }

    private static bool NotModified(HttpListenerRequest request, Resource resource)
    {
        var ifNoneMatch = request.Headers["If-None-Match"];
        if (ifNoneMatch is not null)
        {
            // Weak comparison (RFC 9110 §13.1.2): W/ prefixes do not count.
            static string Opaque(string tag) => tag.Trim() is var t && t.StartsWith("W/", StringComparison.Ordinal) ? t[2..] : t;
            return ifNoneMatch.Split(',').Any(t => t.Trim() == "*" || Opaque(t) == Opaque(resource.ETag));
        }

        return DateTimeOffset.TryParse(request.Headers["If-Modified-Since"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since)
            && resource.LastModified <= since;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }
}
