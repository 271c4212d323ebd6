using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Lantern.Configuration;
using Lantern.Mailboxes;
using Lantern.Sip.Transport;
using Lantern.Status;

namespace Lantern.Ami;

/// <summary>The AMI-compatible TCP server: accepts sessions and fans committed mailbox changes out as MessageWaiting events
/// (and DeviceStateChange for the mailbox's <c>MWI:</c> device when its state changes).</summary>
internal sealed class AmiServer : IHostedService, IAsyncDisposable
{
    private readonly AmiOptions _options;
    private readonly IMailboxService _mailboxes;
    private readonly ILogger<AmiServer> _logger;
    private readonly AmiMetrics _metrics;
    private readonly AmiSessionContext _context;
    private readonly ConcurrentDictionary<long, SessionEntry> _sessions = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly AddressLimiter _connections;
    private readonly LogThrottle _refusedLog;
    private readonly TimeProvider _time;

    // Mailboxes whose MWI device is INUSE (new voice messages), owned by the fan-out loop: only in-use ones are kept, so the
    // memory follows the lit lamps, not the mailbox count.
    private readonly HashSet<MailboxId> _inUse = [];
    private Socket? _listener;
    private IMailboxChangeReader? _changes;
    private Task _acceptLoop = Task.CompletedTask;
    private Task _fanOutLoop = Task.CompletedTask;
    private long _nextSessionId;

    /// <param name="maxConnections">Connections at once: <c>ami.maxConnections</c>, or less when the descriptor budget says so.</param>
    public AmiServer(AmiOptions options, int maxConnections, IMailboxService mailboxes, TimeProvider time, ILogger<AmiServer> logger, IMeterFactory? meterFactory = null, Lantern.Sip.Auth.AuthFailureTracker? failures = null, ServerClock? clock = null)
    {
        _options = options;
        _time = time;
        _connections = new AddressLimiter(maxConnections, options.MaxConnectionsPerAddress);
        _refusedLog = new LogThrottle(time, TimeSpan.FromSeconds(10));
        _mailboxes = mailboxes;
        _logger = logger;
        _metrics = new AmiMetrics(meterFactory);
        var users = new AmiUserDirectory(options.Users, options.MaxConnectionsPerUser);
        _context = new AmiSessionContext(options, mailboxes, users, time, logger, _metrics, new AmiAnonymousSessions(options.AuthLimit, options.AuthLimitPerAddress), clock ?? new ServerClock(time), failures);
    }

    /// <summary>The bound address once started (the real port when <c>ami.listen</c> asked for port 0).</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    /// <summary>Open connections, logged in or not.</summary>
    public int SessionCount => _sessions.Count;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var endPoint = IPEndPoint.Parse(_options.Listen);
        var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(endPoint);
            listener.Listen(512);
        }
        catch (SocketException ex)
        {
            listener.Dispose();
            throw new ListenerBindException("ami", endPoint, ex);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        _listener = listener;
        LocalEndPoint = (IPEndPoint)listener.LocalEndPoint!;

        // Asterisk knows every mailbox's device state from its start (res_mwi_devstate reads the MWI cache when it loads), so
        // a change that leaves a lamp as it was raises no DeviceStateChange. Subscribe before accepting, so no change
        // committed after start is missed.
        foreach (var mailbox in _mailboxes.List(new MailboxQuery(Waiting: true)))
        {
            if (IsInUse(mailbox))
            {
                _inUse.Add(mailbox.Id);
            }
        }

        _changes = _mailboxes.Changes.Subscribe();
        _acceptLoop = Task.Run(() => AcceptLoopAsync(listener, _stopping.Token), CancellationToken.None);
        _fanOutLoop = Task.Run(() => FanOutLoopAsync(_changes, _stopping.Token), CancellationToken.None);
        AmiLog.Listening(_logger, LocalEndPoint);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync();
        _listener?.Dispose();
        foreach (var entry in _sessions.Values)
        {
            entry.Session.Abort("server stopping");
        }

        var tasks = new List<Task> { _acceptLoop, _fanOutLoop };
        foreach (var entry in _sessions.Values)
        {
            tasks.Add(entry.Run);
        }

        try
        {
            await Task.WhenAll(tasks).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }

        _changes?.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _stopping.Dispose();
        _metrics.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken ct)
    {
        var backoff = new AcceptBackoff(_time);
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(ct);
                backoff.Reset();
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                // Per-connection accept errors (reset before accept) must not stop the listener; running out of descriptors must not spin it.
                _metrics.Dropped("accept-failed");
                if (backoff.Log.TryLog(out var suppressed))
                {
                    AmiLog.AcceptFailed(_logger, ex.SocketErrorCode, ex.Message, suppressed);
                }

                if (AcceptBackoff.IsResourceError(ex))
                {
                    await backoff.WaitAsync(ct);
                }

                continue;
            }

            var remote = SafeRemote(socket);
            var address = (remote as IPEndPoint)?.Address ?? IPAddress.None;
            if (_connections.TryEnter(address) is { } refused)
            {
                Refuse(socket, remote, refused + " (ami.maxConnections / ami.maxConnectionsPerAddress)", "max-connections");
                continue;
            }

            if (_context.Anonymous.TryEnter(address) is { } anonymousRefused)
            {
                _connections.Leave(address);
                Refuse(socket, remote, anonymousRefused, "auth-limit");
                continue;
            }

            socket.NoDelay = true;
            var id = Interlocked.Increment(ref _nextSessionId);
            var session = new AmiSession(id, socket, _context, ct);
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var run = RunSessionAsync(id, session, address, started.Task);
            _sessions[id] = new SessionEntry(session, run);
            started.SetResult();
        }
    }

    private void Refuse(Socket socket, EndPoint? remote, string reason, string metric)
    {
        _metrics.Dropped(metric);
        if (_refusedLog.TryLog(out var suppressed))
        {
            AmiLog.ConnectionRefused(_logger, remote, reason, suppressed);
        }

        socket.Dispose();
    }

    private async Task RunSessionAsync(long id, AmiSession session, IPAddress address, Task registered)
    {
        await registered;
        _metrics.SessionOpened();
        try
        {
            await session.RunAsync();
        }
        finally
        {
            _sessions.TryRemove(id, out _);
            session.Dispose();
            _connections.Leave(address);
            _metrics.SessionClosed();
        }
    }

    private async Task FanOutLoopAsync(IMailboxChangeReader changes, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var change = await changes.ReadAsync(ct);
                Deliver(AmiMessages.MessageWaiting(change));
                if (DeviceStateChanged(change) is { } inUse)
                {
                    Deliver(AmiMessages.DeviceStateChange(change.Mailbox.Id, inUse));
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                AmiLog.ChangeFeedFailed(_logger, ex);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void Deliver(byte[] packet)
    {
        var delivered = 0;

        // Enumerating the dictionary itself takes no lock and copies nothing.
        foreach (var (_, entry) in _sessions)
        {
            if (entry.Session.DeliverEvent(packet))
            {
                delivered++;
            }
        }

        _metrics.EventsQueued(delivered);
    }

    /// <summary>The new state of the mailbox's <c>MWI:</c> device, or null when it did not change.</summary>
    /// <remarks>Asterisk's device state cache raises DeviceStateChange only when the aggregate state changes
    /// (stasis_cache.c, devicestate.c), not with every MessageWaiting. A deleted mailbox reads as NOT_INUSE, as its
    /// MessageWaiting reads as zero.</remarks>
    private bool? DeviceStateChanged(MailboxChange change)
    {
        var inUse = change.Kind != MailboxChangeKind.Deleted && IsInUse(change.Mailbox);
        var changed = inUse ? _inUse.Add(change.Mailbox.Id) : _inUse.Remove(change.Mailbox.Id);
        return changed ? inUse : null;
    }

    // res_mwi_devstate: INUSE while new_msgs > 0, the same voice count MessageWaiting's New carries.
    private static bool IsInUse(Mailbox mailbox) => mailbox.Counts.Voice.New > 0;

    private static EndPoint? SafeRemote(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    private sealed record SessionEntry(AmiSession Session, Task Run);
}
