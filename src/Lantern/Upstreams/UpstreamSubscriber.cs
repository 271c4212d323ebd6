using System.Security.Cryptography;
using System.Threading.Channels;
using Lantern.Mailboxes;
using Lantern.Sip.Auth;
using Lantern.Status;

namespace Lantern.Upstreams;

/// <summary>The RFC 6665 subscriber for one upstream. One serial owner: every input (SUBSCRIBE outcome, NOTIFY,
/// timer, stop) is an event on its queue, handled one at a time by <see cref="RunAsync"/>, so no state is locked.</summary>
internal sealed partial class UpstreamSubscriber : IAsyncDisposable
{
    /// <summary>Refresh at this share of the granted expiry (sip.md §7).</summary>
    public const double RefreshShare = 0.85;

    /// <summary>NOTIFYs waiting for the owner beyond this are answered 503 rather than queued.</summary>
    public const int MaxPendingNotifies = 32;

    /// <summary>A server may raise Min-Expires this many times in a row before we call it a failure.</summary>
    public const int Max423Retries = 3;

    /// <summary>A terminated subscription younger than this is retried with backoff, not at once, so a server that
    /// keeps deactivating cannot make us loop.</summary>
    public static readonly TimeSpan MinLifeForImmediateResubscribe = UpstreamBackoff.Initial;

    private readonly UpstreamDefinition _upstream;
    private readonly IUpstreamSipClient _client;
    private readonly IMailboxService _mailboxes;
    private readonly UpstreamBodyParser _parseBody;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly UpstreamMetrics? _metrics;
    private readonly Func<double> _random01;
    private readonly Action<UpstreamSubscriber, string?, string?>? _callIdChanged;
    private readonly TimeSpan _notifyTimeout;
    private readonly Channel<SubscriberEvent> _events = Channel.CreateUnbounded<SubscriberEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;
    private int _pendingNotifies;
    private UpstreamStatus _status;

    // Everything below is owned by the loop.
    private string? _callId;
    private string _localTag = string.Empty;
    private string? _remoteTag;
    private string? _remoteTarget;
    private IReadOnlyList<string> _routeSet = [];
    private long _localCSeq;
    private long _remoteCSeq = -1;
    private int _requestedExpires;
    private DateTimeOffset _subscribedAt;
    private bool _established;
    private bool _dialogNotified;
    private readonly UpstreamAgentTimer _notifyTimer;
    private Pending? _pending;
    private int _nextTransaction;
    private DigestChallenge? _challenge;
    private bool _challengeIsProxy;
    private uint _nonceCount;
    private readonly UpstreamAgentTimer _timer;
    private TimerPurpose _timerPurpose;
    private bool _stopRequested;
    private bool _finished;
    private UpstreamState _state = UpstreamState.Subscribing;
    private int? _granted;
    private DateTimeOffset? _lastNotifyAt;
    private string? _lastError;
    private DateTimeOffset? _nextAttemptAt;
    private long _attempts;
    private int _failures;

    public UpstreamSubscriber(
        UpstreamDefinition upstream,
        IUpstreamSipClient client,
        IMailboxService mailboxes,
        UpstreamBodyParser parseBody,
        TimeProvider timeProvider,
        ILogger logger,
        UpstreamMetrics? metrics = null,
        Func<double>? random01 = null,
        Action<UpstreamSubscriber, string?, string?>? callIdChanged = null,
        TimeSpan notifyTimeout = default)
    {
        _upstream = upstream;
        _client = client;
        _mailboxes = mailboxes;
        _parseBody = parseBody;
        _time = timeProvider;
        _timer = new UpstreamAgentTimer(timeProvider, token => Post(new TimerEvent(token)));
        _notifyTimer = new UpstreamAgentTimer(timeProvider, token => Post(new NotifyDeadlineEvent(token)));
        _registerTimer = new UpstreamAgentTimer(timeProvider, token => Post(new RegisterTimerEvent(token)));
        _logger = logger;
        _metrics = metrics;
        _random01 = random01 ?? (() => RandomNumberGenerator.GetInt32(1_000_000) / 1_000_000.0);
        _callIdChanged = callIdChanged;
        _notifyTimeout = notifyTimeout;
        _requestedExpires = upstream.Expires;
        _status = BuildStatus();
    }

    private enum RequestKind
    {
        Initial,
        Refresh,
        Unsubscribe,
    }

    private enum TimerPurpose
    {
        Refresh,
        Retry,
    }

    /// <summary>Raised on the owner loop after every status change; handlers must be quick and must not throw.</summary>
    public event Action<UpstreamStatus>? StatusChanged;

    public UpstreamDefinition Upstream => _upstream;

    /// <summary>The latest status snapshot; safe to read from any thread.</summary>
    public UpstreamStatus Status => Volatile.Read(ref _status);

    /// <summary>The Call-ID of the current subscription, for routing NOTIFYs; null between attempts.</summary>
    public string? CallId => Volatile.Read(ref _callId);

    /// <summary>Starts the owner loop and the first SUBSCRIBE.</summary>
    public void Start()
    {
        if (_loop is not null)
        {
            return;
        }

        _events.Writer.TryWrite(new StartEvent());
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Unsubscribes (<c>Expires: 0</c>) when a subscription exists and stops; bounded by <paramref name="cancellationToken"/>.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_loop is null)
        {
            return;
        }

        _events.Writer.TryWrite(new StopEvent());
        try
        {
            await _stopped.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Out of time: abandon the unsubscribe; the server's subscription will expire on its own.
            UpstreamsLog.UnsubscribeAbandoned(_logger, _upstream.Name);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _events.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    /// <summary>Hands an in-dialog NOTIFY for this subscription to the owner and waits for the response to send.</summary>
    public async ValueTask<UpstreamNotifyResult> HandleNotifyAsync(UpstreamNotify notify, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _pendingNotifies) > MaxPendingNotifies)
        {
            Interlocked.Decrement(ref _pendingNotifies);
            return new UpstreamNotifyResult(503, "Service Unavailable (NOTIFY queue full)");
        }

        var done = new TaskCompletionSource<UpstreamNotifyResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_events.Writer.TryWrite(new NotifyEvent(notify, done)))
        {
            Interlocked.Decrement(ref _pendingNotifies);
            return UpstreamNotifyResult.NoSubscription;
        }

        try
        {
            return await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return new UpstreamNotifyResult(503, "Service Unavailable");
        }
    }

    /// <summary>Completes once every event queued before this call was handled (tests use it to check that nothing happened).</summary>
    public Task WhenIdleAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_events.Writer.TryWrite(new IdleEvent(done)))
        {
            done.TrySetResult();
        }

        return done.Task;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _events.Writer.TryComplete();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _timer.Dispose();
        _notifyTimer.Dispose();
        _registerTimer.Dispose();
        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        try
        {
            while (!_finished && await _events.Reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                while (!_finished && _events.Reader.TryRead(out var e))
                {
                    try
                    {
                        await HandleAsync(e).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        UpstreamsLog.Crashed(_logger, ex, _upstream.Name);
                        if (e is NotifyEvent n)
                        {
                            n.Done.TrySetResult(new UpstreamNotifyResult(500, "Server Internal Error"));
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
        finally
        {
            _timer.Dispose();
            _notifyTimer.Dispose();
            _registerTimer.Dispose();
            SetCallId(null);

            // Close the queue before draining it, so a NOTIFY arriving now is refused at once instead of waiting forever.
            _events.Writer.TryComplete();
            FailQueuedNotifies();
            _stopped.TrySetResult();
        }
    }

    private ValueTask HandleAsync(SubscriberEvent e)
    {
        switch (e)
        {
            case StartEvent:
                BeginAttempt();
                return ValueTask.CompletedTask;
            case NotifyDeadlineEvent d:
                OnNotifyDeadline(d.Token);
                return ValueTask.CompletedTask;
            case RegisterResponseEvent rr:
                OnRegisterResponse(rr.Transaction, rr.Response);
                return ValueTask.CompletedTask;
            case RegisterTimerEvent rt:
                OnRegisterTimer(rt.Token);
                return ValueTask.CompletedTask;
            case ResponseEvent r:
                OnResponse(r.Transaction, r.Response);
                return ValueTask.CompletedTask;
            case TimerEvent t:
                OnTimer(t.Token);
                return ValueTask.CompletedTask;
            case StopEvent:
                OnStop();
                return ValueTask.CompletedTask;
            case IdleEvent idle:
                idle.Done.TrySetResult();
                return ValueTask.CompletedTask;
            case NotifyEvent n:
                Interlocked.Decrement(ref _pendingNotifies);
                return OnNotifyAsync(n.Notify, n.Done);
            default:
                return ValueTask.CompletedTask;
        }
    }

    private void FailQueuedNotifies()
    {
        while (_events.Reader.TryRead(out var e))
        {
            if (e is NotifyEvent n)
            {
                n.Done.TrySetResult(UpstreamNotifyResult.NoSubscription);
            }
            else if (e is IdleEvent idle)
            {
                idle.Done.TrySetResult();
            }
        }
    }

    private void OnStop()
    {
        _stopRequested = true;
        CancelTimer();
        CancelNotifyDeadline();
        CancelRegisterTimer();
        if (_established && _callId is not null)
        {
            Send(RequestKind.Unsubscribe, 0);
            return;
        }

        if (_pending is { Kind: RequestKind.Initial })
        {
            // Its 2xx would leave a live subscription on the server: wait for it, then unsubscribe.
            return;
        }

        UpstreamsLog.NothingToUnsubscribe(_logger, _upstream.Name);
        Finish();
    }

    /// <summary>The subscription side is done stopping; remove our registration too before the loop ends.</summary>
    private void Finish()
    {
        if (_stopRequested && (_registered || _registerPending != 0) && !_unregistering)
        {
            Unregister();
            return;
        }

        if (_registerPending != 0)
        {
            return;
        }

        _finished = true;
        _stopped.TrySetResult();
    }

    /// <summary>Starts (or restarts after a failure) with the registration when one is configured and not in place.</summary>
    private void BeginAttempt()
    {
        if (_upstream.Register && !_registered)
        {
            SendRegister(_upstream.RegisterExpires);
            return;
        }

        BeginSubscription();
    }

    /// <summary>RFC 6665 §4.1.2.4: a 2xx without a NOTIFY within 64·T1 means the subscription failed.</summary>
    private void StartNotifyDeadline()
    {
        CancelNotifyDeadline();
        if (_notifyTimeout <= TimeSpan.Zero || _dialogNotified)
        {
            return;
        }

        _notifyTimer.Schedule(_notifyTimeout);
    }

    private void CancelNotifyDeadline() => _notifyTimer.Cancel();

    private void OnNotifyDeadline(int token)
    {
        if (!_notifyTimer.IsCurrent(token) || _stopRequested || _dialogNotified || _callId is null)
        {
            return;
        }

        // A refresh in flight belongs to the failed dialog; its answer must not revive it.
        _pending = null;
        var seconds = _notifyTimeout.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        Fail($"no NOTIFY within {seconds} s of the 2xx (RFC 6665 4.1.2.4)", null, UpstreamState.FailedNoNotify);
    }

    private void OnTimer(int token)
    {
        if (!_timer.IsCurrent(token) || _stopRequested)
        {
            return;
        }

        _nextAttemptAt = null;
        if (_timerPurpose == TimerPurpose.Refresh && _established)
        {
            Send(RequestKind.Refresh, _requestedExpires);
        }
        else
        {
            BeginAttempt();
        }
    }

    private void BeginSubscription()
    {
        SetCallId(NewToken(16) + "@lantern");
        _localTag = NewToken(8);
        _remoteTag = null;
        _remoteTarget = null;
        _routeSet = [];
        _localCSeq = 0;
        _remoteCSeq = -1;
        _established = false;
        _dialogNotified = false;
        CancelNotifyDeadline();
        _challenge = null;
        _subscribedAt = _time.GetUtcNow();
        if (_state is not (UpstreamState.FailedAuth or UpstreamState.Retrying or UpstreamState.FailedNoNotify))
        {
            _state = UpstreamState.Subscribing;
        }

        Send(RequestKind.Initial, _requestedExpires);
    }

    private void Send(RequestKind kind, int expires, bool answered = false, int retries423 = 0, string? authorization = null, bool proxy = false)
    {
        if (authorization is null && _challenge is not null && _upstream.Secret is not null)
        {
            // Reuse the last challenge with the next nonce count, saving a 401 round trip per refresh.
            authorization = DigestClient.CreateAuthorization(_challenge, "SUBSCRIBE", RequestUriFor(kind), _upstream.AuthUser, _upstream.Secret, ++_nonceCount);
            proxy = _challengeIsProxy;
        }

        _localCSeq++;
        var transaction = ++_nextTransaction;
        _pending = new Pending(transaction, kind, expires, answered, retries423);
        var request = new UpstreamSubscribeRequest(
            _upstream,
            RequestUriFor(kind),
            _callId!,
            _localTag,
            kind == RequestKind.Initial ? null : _remoteTag,
            _localCSeq,
            expires,
            kind == RequestKind.Initial ? null : _remoteTarget,
            kind == RequestKind.Initial ? [] : _routeSet,
            authorization,
            proxy);
        _attempts++;
        _metrics?.Attempt(_upstream.Name);
        _nextAttemptAt = null;
        Publish();
        _ = RunTransactionAsync(ct => _client.SubscribeAsync(request, ct), response => new ResponseEvent(transaction, response));
    }

    private string RequestUriFor(RequestKind kind) =>
        kind == RequestKind.Initial || _remoteTarget is null ? _upstream.RequestUri : _remoteTarget;

    /// <summary>Runs one client transaction off the loop and queues its outcome as the event <paramref name="completed"/> makes.</summary>
    private async Task RunTransactionAsync(Func<CancellationToken, ValueTask<UpstreamSubscribeResponse>> send, Func<UpstreamSubscribeResponse, SubscriberEvent> completed)
    {
        UpstreamSubscribeResponse response;
        try
        {
            response = await send(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (Exception ex)
        {
            response = UpstreamSubscribeResponse.Local(503, "Send failed: " + ex.Message);
        }

        _events.Writer.TryWrite(completed(response));
    }

    private void Schedule(TimeSpan delay, TimerPurpose purpose)
    {
        CancelTimer();
        if (delay < TimeSpan.Zero)
        {
            delay = TimeSpan.Zero;
        }

        _timerPurpose = purpose;
        _nextAttemptAt = _time.GetUtcNow() + delay;
        _timer.Schedule(delay);
    }

    private void CancelTimer()
    {
        _timer.Cancel();
        _nextAttemptAt = null;
    }

    private void Post(SubscriberEvent e) => _events.Writer.TryWrite(e);

    private void SetCallId(string? callId)
    {
        var old = _callId;
        Volatile.Write(ref _callId, callId);
        if (old != callId)
        {
            _callIdChanged?.Invoke(this, old, callId);
        }
    }

    private void Publish()
    {
        var status = BuildStatus();
        Volatile.Write(ref _status, status);
        StatusChanged?.Invoke(status);
    }

    private UpstreamStatus BuildStatus() => new(
        _upstream.Name,
        _upstream.RequestUri,
        _upstream.Mailbox.ToString(),
        _upstream.TransportName,
        _state,
        _granted,
        _lastNotifyAt,
        _lastError,
        _nextAttemptAt,
        _attempts,
        _failures);

    private static string NewToken(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    private sealed record Pending(int Transaction, RequestKind Kind, int Expires, bool Answered, int Retries423);

    private abstract record SubscriberEvent;

    private sealed record StartEvent : SubscriberEvent;

    private sealed record StopEvent : SubscriberEvent;

    private sealed record TimerEvent(int Token) : SubscriberEvent;

    private sealed record ResponseEvent(int Transaction, UpstreamSubscribeResponse Response) : SubscriberEvent;

    private sealed record NotifyDeadlineEvent(int Token) : SubscriberEvent;

    private sealed record RegisterTimerEvent(int Token) : SubscriberEvent;

    private sealed record RegisterResponseEvent(int Transaction, UpstreamSubscribeResponse Response) : SubscriberEvent;

    private sealed record IdleEvent(TaskCompletionSource Done) : SubscriberEvent;

    private sealed record NotifyEvent(UpstreamNotify Notify, TaskCompletionSource<UpstreamNotifyResult> Done) : SubscriberEvent;
}
