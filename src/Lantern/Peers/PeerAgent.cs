using System.Security.Cryptography;
using System.Threading.Channels;
using Lantern.Mailboxes;
using Lantern.Status;

namespace Lantern.Peers;

/// <summary>One peer's serial owner: its NOTIFY/PUBLISH writes and its publications (entity tags and expiry timers)
/// are handled one at a time from a bounded queue, so writes land in arrival order and no state is locked.</summary>
internal sealed partial class PeerAgent : IAsyncDisposable
{
    /// <summary>Requests waiting for this peer beyond this are answered 503.</summary>
    public const int QueueCapacity = 64;

    private readonly PeerDefinition _peer;
    private readonly IMailboxService _mailboxes;
    private readonly PeerBodyParser _parseBody;
    private readonly PeerPublishLimits _limits;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<string> _newETag;
    private readonly Channel<Work> _work = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;
    private int _queued;
    private int _publicationCount;
    private long _earliestExpiryTicks;
    private PeerStatus _status;
    private long _accepted;
    private long _refused;
    private long _lastRequestTicks;
    private string? _lastError;

    public PeerAgent(PeerDefinition peer, IMailboxService mailboxes, PeerBodyParser parseBody, PeerPublishLimits limits, TimeProvider timeProvider, ILogger logger, Func<string>? newETag = null)
    {
        _peer = peer;
        _mailboxes = mailboxes;
        _parseBody = parseBody;
        _limits = limits;
        _time = timeProvider;
        _logger = logger;
        _newETag = newETag ?? (() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        _status = BuildStatus();
    }

    public PeerDefinition Peer => _peer;

    public PeerStatus Status => Volatile.Read(ref _status);

    public void Start() => _loop ??= Task.Run(RunAsync);

    /// <summary>Queues a request that already passed source, auth, event and content-type checks; waits for its response.</summary>
    public async ValueTask<PeerResponse> HandleAsync(PeerRequest request, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _queued) > QueueCapacity)
        {
            Interlocked.Decrement(ref _queued);
            return PeerResponse.Of(503, "Service Unavailable (peer queue full)", "Retry-After", "5");
        }

        var done = new TaskCompletionSource<PeerResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_work.Writer.TryWrite(new RequestWork(request, done)))
        {
            Interlocked.Decrement(ref _queued);
            return PeerResponse.Of(503, "Service Unavailable (shutting down)");
        }

        try
        {
            return await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return PeerResponse.Of(503, "Service Unavailable");
        }
    }

    /// <summary>Counts a refusal made before the request reached the queue (auth, event, content type).</summary>
    public void RecordRefusal(string reason)
    {
        Interlocked.Increment(ref _refused);
        Volatile.Write(ref _lastError, reason);
        Volatile.Write(ref _status, BuildStatus());
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _work.Writer.TryComplete();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        foreach (var p in _publications.Values)
        {
            p.Timer.Dispose();
        }

        _publications.Clear();
        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        var token = _stopping.Token;
        try
        {
            while (await _work.Reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                while (_work.Reader.TryRead(out var work))
                {
                    await HandleWorkAsync(work, token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
        finally
        {
            while (_work.Reader.TryRead(out var left))
            {
                if (left is RequestWork r)
                {
                    r.Done.TrySetResult(PeerResponse.Of(503, "Service Unavailable (shutting down)"));
                }
            }
        }
    }

    private async Task HandleWorkAsync(Work work, CancellationToken cancellationToken)
    {
        switch (work)
        {
            case RequestWork r:
                Interlocked.Decrement(ref _queued);
                PeerResponse response;
                try
                {
                    response = r.Request.Method == PeerMethod.Publish
                        ? await PublishAsync(r.Request, cancellationToken).ConfigureAwait(false)
                        : await NotifyAsync(r.Request, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    PeersLog.Crashed(_logger, ex, _peer.Name);
                    response = PeerResponse.Of(500, "Server Internal Error");
                }

                Account(r.Request, response);
                r.Done.TrySetResult(response);
                break;
            case ExpireWork e:
                await ExpireAsync(e.ETag, e.Generation, cancellationToken).ConfigureAwait(false);
                break;
        }

        DateTimeOffset? earliest = null;
        foreach (var p in _publications.Values)
        {
            if (earliest is null || p.ExpiresAt < earliest)
            {
                earliest = p.ExpiresAt;
            }
        }

        Volatile.Write(ref _earliestExpiryTicks, earliest?.UtcTicks ?? 0);
        Volatile.Write(ref _publicationCount, _publications.Count);
        Volatile.Write(ref _status, BuildStatus());
    }

    private async ValueTask<PeerResponse> NotifyAsync(PeerRequest request, CancellationToken cancellationToken)
    {
        if (request.Body.IsEmpty)
        {
            return PeerResponse.Of(400, "Missing message-summary body");
        }

        return await WriteBodyAsync(request.Body, cancellationToken).ConfigureAwait(false) ?? PeerResponse.Of(200, "OK");
    }

    /// <summary>Parses and commits a body; null on success, else the response naming the problem (nothing changed).</summary>
    private async ValueTask<PeerResponse?> WriteBodyAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (!_parseBody(body.Span, out var counts, out var error))
        {
            return PeerResponse.Of(400, "Bad message-summary body: " + error);
        }

        var write = await _mailboxes.UpdateAsync(_peer.Mailbox, _peer.Source, MailboxUpdate.Replace(counts), null, cancellationToken).ConfigureAwait(false);
        if (!write.Succeeded)
        {
            return write.Status switch
            {
                MailboxWriteStatus.Invalid => PeerResponse.Of(400, "Bad message-summary body: " + write.Error),
                MailboxWriteStatus.OwnedByOther => PeerResponse.Of(403, "Forbidden (mailbox owned by another source)"),
                _ => StoreRefused(write.Status),
            };
        }

        return await SetLapsedAsync(false, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<PeerResponse?> SetLapsedAsync(bool lapsed, CancellationToken cancellationToken)
    {
        var current = _mailboxes.Find(_peer.Mailbox);
        if (current is null || current.PublicationLapsed == lapsed)
        {
            return null;
        }

        var result = await _mailboxes.SetPublicationLapsedAsync(_peer.Mailbox, _peer.Source, lapsed, cancellationToken).ConfigureAwait(false);
        return result.Succeeded || result.Status == MailboxWriteStatus.OwnedByOther
            ? null
            : StoreRefused(result.Status);
    }

    // A store that cannot be reached is not a conflict: only the first is "unavailable" (503, retry later).
    private static PeerResponse StoreRefused(MailboxWriteStatus status) => status == MailboxWriteStatus.Unavailable
        ? PeerResponse.Of(503, "Mailbox store unavailable", "Retry-After", "5")
        : PeerResponse.Of(500, "Mailbox changed concurrently; retry");

    private void Account(PeerRequest request, PeerResponse response)
    {
        if (response.StatusCode is >= 200 and < 300)
        {
            Interlocked.Increment(ref _accepted);
            Volatile.Write(ref _lastRequestTicks, _time.GetUtcNow().UtcTicks);
            PeersLog.Accepted(_logger, _peer.Name, request.MethodName, _peer.Mailbox);
        }
        else
        {
            Interlocked.Increment(ref _refused);
            Volatile.Write(ref _lastError, $"{request.MethodName}: {response.StatusCode} {response.Reason}");
            PeersLog.Refused(_logger, _peer.Name, request.MethodName, response.StatusCode, response.Reason);
        }
    }

    // Called from the owner loop and from RecordRefusal: reads only fields that are safe to read from any thread.
    private PeerStatus BuildStatus()
    {
        var networks = new List<string>(_peer.Networks.Count);
        foreach (var n in _peer.Networks)
        {
            networks.Add(n.ToString());
        }

        return new PeerStatus(
            _peer.Name,
            _peer.Match,
            networks,
            _peer.Mailbox.ToString(),
            _peer.RequiresAuth,
            Volatile.Read(ref _publicationCount),
            Time(Volatile.Read(ref _earliestExpiryTicks)),
            Time(Volatile.Read(ref _lastRequestTicks)),
            Volatile.Read(ref _lastError),
            Interlocked.Read(ref _accepted),
            Interlocked.Read(ref _refused));
    }

    private static DateTimeOffset? Time(long utcTicks) => utcTicks == 0 ? null : new DateTimeOffset(utcTicks, TimeSpan.Zero);

    private abstract record Work;

    private sealed record RequestWork(PeerRequest Request, TaskCompletionSource<PeerResponse> Done) : Work;

    private sealed record ExpireWork(string ETag, long Generation) : Work;
}
