using System.Buffers;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Lantern.Sip.Messages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lantern.Sip.Transport;

/// <summary>The real SIP transports: UDP, TCP, TLS, WS and WSS listeners (IPv4/IPv6, several at once), outbound connections, the connection
/// table with idle closing and keep-alive pongs. Hands framed messages to an <see cref="ISipMessageReceiver"/>.</summary>
/// <remarks>Lifecycle: construct, <see cref="StartAsync"/> with the receiver (the stack), <see cref="StopAsync"/> or dispose.
/// If the receiver also implements <see cref="ISipFramingErrorSink"/>, it is told of framing errors before the connection closes.</remarks>
public sealed partial class SipTransportManager : ISipTransportLayer, IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly TransportMetrics _metrics;
    private readonly SipConnectionTable _connections;
    private readonly LogThrottle _refusedLog;
    private readonly LogThrottle _slowLog;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<UdpSender> _udpSockets = [];
    private readonly List<Thread> _udpThreads = [];
    private readonly List<Socket> _streamSockets = [];
    private readonly List<SipListenerEndPoint> _bound = [];
    private readonly List<Task> _loops = [];
    private ISipMessageReceiver _receiver = NullReceiver.Instance;
    private ISipFramingErrorSink? _errorSink;
    private ITimer? _idleTimer;
    private long _nextConnectionId;
    private int _state;

    public SipTransportManager(SipTransportOptions options, TimeProvider timeProvider, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Options = options;
        Time = timeProvider;
        _logger = (ILogger?)loggerFactory?.CreateLogger<SipTransportManager>() ?? NullLogger.Instance;
        _connections = new SipConnectionTable(options.MaxConnections, options.MaxConnectionsPerAddress);
        _refusedLog = new LogThrottle(timeProvider, TimeSpan.FromSeconds(10));
        _slowLog = new LogThrottle(timeProvider, TimeSpan.FromSeconds(10));
        _metrics = new TransportMetrics(meterFactory, () => _connections.Count);
    }

    internal SipTransportOptions Options { get; }

    internal TimeProvider Time { get; }

    /// <summary>The listeners as bound, in configuration order (valid after <see cref="StartAsync"/>).</summary>
    public IReadOnlyList<SipListenerEndPoint> BoundEndPoints => _bound;

    /// <summary>Open TCP/TLS connections.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Binds every listener and starts receiving. Throws (with the listener named) when one cannot be bound or its
    /// certificate cannot be loaded: a configuration error that must stop startup.</summary>
    public Task StartAsync(ISipMessageReceiver receiver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The transport was already started.");
        }

        _receiver = receiver;
        _errorSink = receiver as ISipFramingErrorSink;
        try
        {
            // Listeners on one address configured with port 0 share the first port picked, where free (UDP and TCP on one port, as on 5060).
            var picked = new Dictionary<IPAddress, int>();
            foreach (var configured in Options.Listeners)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var listener = configured;
                if (configured.Port == 0 && picked.TryGetValue(configured.Address, out var shared))
                {
                    listener = configured with { Port = shared };
                }

                IPEndPoint endPoint;
                try
                {
                    endPoint = listener.Transport == SipTransportKind.Udp ? StartUdp(listener) : StartStream(listener);
                }
                catch (InvalidOperationException) when (listener.Port != configured.Port)
                {
                    endPoint = configured.Transport == SipTransportKind.Udp ? StartUdp(configured) : StartStream(configured);
                }

                if (configured.Port == 0)
                {
                    picked.TryAdd(configured.Address, endPoint.Port);
                }

                _bound.Add(new SipListenerEndPoint(listener.Transport, endPoint));
                TransportLog.Listening(_logger, listener.Transport, endPoint);
            }
        }
        catch
        {
            CloseSockets();
            throw;
        }

        // A zero, negative or infinite timeout turns that check off; the sweep runs at a quarter of the shorter one.
        var shortest = Math.Min(Enabled(Options.IdleTimeout), Enabled(Options.MessageTimeout));
        if (shortest != long.MaxValue)
        {
            var period = TimeSpan.FromTicks(Math.Clamp(shortest / 4, TimeSpan.TicksPerSecond, 30 * TimeSpan.TicksPerSecond));
            _idleTimer = Time.CreateTimer(_ => CloseIdle(), null, period, period);
        }

        return Task.CompletedTask;
    }

    /// <summary>Stops listening, closes every connection (each reported through <see cref="ISipMessageReceiver.OnConnectionClosed"/>)
    /// and waits for the receive loops to end.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _state, 2) == 2)
        {
            return;
        }

        if (_idleTimer is not null)
        {
            await _idleTimer.DisposeAsync();
        }

        await _stopping.CancelAsync();
        CloseSockets();
        var closing = new List<Task>();
        foreach (var connection in _connections.Snapshot())
        {
            closing.Add(connection.CloseAsync("transport stopping"));
        }

        closing.AddRange(_loops);
        await Task.WhenAll(closing).WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _stopping.Dispose();
        _metrics.Dispose();
    }

    /// <summary>Marks a connection as used by a registration or subscription (counted: call again with false to release), so the
    /// idle timeout spares it. False when the connection is no longer open.</summary>
    public bool MarkInUse(long connectionId, bool inUse)
    {
        var connection = _connections.Get(connectionId);
        connection?.SetInUse(inUse);
        return connection is not null;
    }

    /// <summary>Whether the stream connection is still open.</summary>
    public bool IsConnectionOpen(long connectionId) => _connections.Get(connectionId) is not null;

    /// <summary>Closes a stream connection (e.g. after a fatal protocol error seen by the stack).</summary>
    public Task CloseConnectionAsync(long connectionId) =>
        _connections.Get(connectionId)?.CloseAsync("closed by the stack") ?? Task.CompletedTask;

    /// <summary>Hands one framed message to the receiver, copying it into one pooled buffer when it spans segments.</summary>
    internal void Deliver(in ReadOnlySequence<byte> message, in SipSource source)
    {
        if (message.IsSingleSegment)
        {
            Deliver(message.FirstSpan, source);
            return;
        }

        var length = (int)message.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            message.CopyTo(rented);
            Deliver(rented.AsSpan(0, length), source);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    internal void Deliver(ReadOnlySpan<byte> message, in SipSource source)
    {
        _metrics.Received(source.Transport);
        try
        {
            _receiver.OnMessage(message, source);
        }
#pragma warning disable CA1031 // A throwing receiver must never stop a receive loop.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _metrics.ReceiverError(source.Transport);
            TransportLog.ReceiverFailed(_logger, ex, source.Transport, source.Remote);
        }
    }

    internal async Task ReportFramingErrorAsync(SipConnection connection, SipFramerError error, byte[] headerBytes)
    {
        _metrics.FramingError(connection.Kind);
        TransportLog.FramingError(_logger, connection.Id, connection.Remote, error);
        if (_errorSink is null)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(Options.ErrorResponseTimeout);
        try
        {
            await _errorSink.OnFramingErrorAsync(error, headerBytes, connection.Source, timeout.Token).AsTask().WaitAsync(timeout.Token);
            await connection.DrainAsync(Options.ErrorResponseTimeout);
        }
        catch (OperationCanceledException)
        {
            // The answer took too long; close anyway.
        }
#pragma warning disable CA1031 // The sink is upper-layer code; its failure must not leak into the connection loop.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            TransportLog.SinkFailed(_logger, ex, connection.Id);
        }
    }

    internal void OnClosed(SipConnection connection, string reason)
    {
        _connections.Remove(connection);
        _metrics.Closed(connection.Kind);
        TransportLog.ConnectionClosed(_logger, connection.Id, connection.Remote, reason);
        try
        {
            _receiver.OnConnectionClosed(connection.Id);
        }
#pragma warning disable CA1031 // A throwing receiver must never break connection teardown.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            TransportLog.ReceiverFailed(_logger, ex, connection.Kind, connection.Remote);
        }
    }

    private static long Enabled(TimeSpan timeout) => timeout > TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan ? timeout.Ticks : long.MaxValue;

    private void CloseIdle()
    {
        var now = Time.GetUtcNow();
        var idleEnabled = Enabled(Options.IdleTimeout) != long.MaxValue;
        var messageEnabled = Enabled(Options.MessageTimeout) != long.MaxValue;
        foreach (var connection in _connections.Snapshot())
        {
            if (messageEnabled && connection.MessageStarted is { } started && now - started >= Options.MessageTimeout)
            {
                _metrics.MessageTimeout(connection.Kind);
                if (_slowLog.TryLog(out var suppressed))
                {
                    TransportLog.MessageTimeout(_logger, connection.Id, connection.Remote, (int)Options.MessageTimeout.TotalSeconds, suppressed);
                }

                _ = connection.CloseAsync("no whole message within the message timeout");
            }
            else if (idleEnabled && !connection.InUse && connection.LastActivity <= now - Options.IdleTimeout)
            {
                _ = connection.CloseAsync("idle");
            }
        }
    }

    private void CloseSockets()
    {
        foreach (var udp in _udpSockets)
        {
            udp.Socket.Dispose();
        }

        foreach (var socket in _streamSockets)
        {
            socket.Dispose();
        }
    }

    private sealed class NullReceiver : ISipMessageReceiver
    {
        public static readonly NullReceiver Instance = new();

        public void OnMessage(ReadOnlySpan<byte> message, in SipSource source)
        {
        }

        public void OnConnectionClosed(long connectionId)
        {
        }
    }
}
