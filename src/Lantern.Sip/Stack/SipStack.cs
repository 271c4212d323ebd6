using System.Diagnostics.Metrics;
using Lantern.Sip.Messages;
using Lantern.Sip.Transactions;
using Lantern.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Lantern.Sip.Stack;

/// <summary>The SIP stack core: takes framed messages from the transports, validates them, answers what it can on its own,
/// runs the transactions and hands requests to the registered handlers; sends requests for upper layers.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "A SIP stack is the domain term, not a Stack<T>.")]
public sealed partial class SipStack : ISipMessageReceiver, IDisposable
{
    private readonly ISipTransportLayer _transport;
    private readonly SipStackOptions _options;
    private readonly ILogger _logger;
    private readonly SipDropLog _dropLog;
    private readonly SipTimerService _timers;
    private readonly TimeProvider _time;
    private readonly SipTransactionContext _context;
    private readonly SipTransactionShard[] _shards;
    private readonly SipMessagePool _messages = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _handlersGate = new();
    private volatile Dictionary<SipMethod, ISipRequestHandler> _handlers = [];
    private long _dropped;
    private long _overloaded;
    private long _absorbed;
    private Func<TimeSpan>? _backlogProbe;
    private readonly SipAdmissionWindow? _window;
    private readonly Action<long>? _admittedCompleted;
    private long _rejected;
    private int _disposed;

    /// <param name="meterFactory">When given, the counters of <see cref="Statistics"/> are published on the meter <c>Lantern.Sip</c>
    /// (<c>lantern.sip.dropped</c>, <c>lantern.sip.overloaded</c>, <c>lantern.sip.rejected</c>, <c>lantern.sip.client_failures</c>).</param>
    public SipStack(ISipTransportLayer transport, TimeProvider timeProvider, SipStackOptions options, ILogger logger, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _transport = transport;
        _options = options;
        _logger = logger;
        _dropLog = new SipDropLog(logger, timeProvider);
        _time = timeProvider;
        _timers = new SipTimerService(timeProvider);
        _context = new SipTransactionContext(transport, _timers, new SipTransactionTimers(options.T1, options.T2, options.T4), logger);
        _window = options.AdmissionWindow ? new SipAdmissionWindow(timeProvider, options.AdmissionTarget) : null;
        _admittedCompleted = _window is null ? null : _window.Completed;
        var shards = options.Shards > 0 ? options.Shards : Environment.ProcessorCount;
        var perShard = Math.Max(1, options.MaxTransactions / shards);
        _shards = new SipTransactionShard[shards];
        for (var i = 0; i < shards; i++)
        {
            _shards[i] = new SipTransactionShard(perShard, Math.Max(1, options.MaxQueuedPerShard), _context);
        }

        if (meterFactory is not null)
        {
            var meter = meterFactory.Create("Lantern.Sip");
            meter.CreateObservableCounter("lantern.sip.dropped", () => Interlocked.Read(ref _dropped), description: "Received messages dropped unanswered");
            meter.CreateObservableCounter("lantern.sip.overloaded", () => Interlocked.Read(ref _overloaded), description: "Requests answered 503 under overload");
            meter.CreateObservableCounter("lantern.sip.rejected", () => Interlocked.Read(ref _rejected), description: "Requests answered by the stack with an error");
            meter.CreateObservableCounter("lantern.sip.client_failures", () => _context.ClientFailures, description: "Sent requests that timed out or failed");
            meter.CreateObservableGauge("lantern.sip.queued", QueuedEvents, description: "Received messages and timer events waiting for their shard");
            meter.CreateObservableCounter("lantern.sip.absorbed", () => Interlocked.Read(ref _absorbed), description: "Retransmissions of new requests still queued, absorbed");
            meter.CreateObservableGauge("lantern.sip.admission_window", () => _window?.Limit ?? 0,
                description: "New requests that may be admitted and unanswered at once (0: no window)");
            meter.CreateObservableGauge("lantern.sip.admitted_in_flight", () => _window?.InFlight ?? 0,
                description: "Admitted new requests not yet answered");
            meter.CreateObservableGauge("lantern.sip.queue_delay", () => QueueDelay().TotalSeconds, unit: "s", description: "Longest wait of the last new request handled on each shard");
        }
    }

    public SipStackOptions Options => _options;

    /// <summary>Where received messages come from and go back to on Dispose.</summary>
    public SipMessagePool Messages => _messages;

    /// <summary>Retransmissions of new requests absorbed while the original was still queued.</summary>
    public long Absorbed => Interlocked.Read(ref _absorbed);

    /// <summary>The longest of the shards' last observed waits of a new request for its turn.</summary>
    public TimeSpan QueueDelay()
    {
        long max = 0;
        foreach (var shard in _shards)
        {
            max = Math.Max(max, shard.LastQueueDelayTicks);
        }

        return TimeSpan.FromSeconds((double)max / _time.TimestampFrequency);
    }

    /// <summary>Reports how far work behind the handlers lags (e.g. the store's group commit): while it exceeds
    /// <see cref="SipStackOptions.MaxBacklogDelay"/>, new requests are answered 503. Called once per new request.</summary>
    public void SetBacklogProbe(Func<TimeSpan> probe) => _backlogProbe = probe;

    /// <summary>Events queued on all shards: near <see cref="SipStackOptions.MaxQueuedPerShard"/> per shard, requests get 503.</summary>
    public int QueuedEvents()
    {
        var total = 0;
        foreach (var shard in _shards)
        {
            total += shard.Executor.Pending;
        }

        return total;
    }

    /// <summary>Chunks the shards' response arenas hold (for tests).</summary>
    internal int ResponseArenaChunks()
    {
        var total = 0;
        foreach (var shard in _shards)
        {
            total += shard.Responses.Chunks;
        }

        return total;
    }

    /// <summary>Timers in the stack's timer heap (for tests and benchmarks).</summary>
    internal int QueuedTimers => _timers.Count;

    /// <summary>Idle client transactions in the shards' pools (for tests).</summary>
    internal int IdleClientTransactions()
    {
        var total = 0;
        foreach (var shard in _shards)
        {
            total += shard.ClientPool.Idle;
        }

        return total;
    }

    /// <summary>OPTIONS plus every method with a registered handler: the Allow header's content.</summary>
    public IReadOnlyList<SipMethod> AllowedMethods
    {
        get
        {
            var handlers = _handlers;
            var list = new List<SipMethod>();
            foreach (var m in Enum.GetValues<SipMethod>())
            {
                if (m == SipMethod.Options || handlers.ContainsKey(m))
                {
                    list.Add(m);
                }
            }

            return list;
        }
    }

    public SipStackStatistics Statistics => new(Interlocked.Read(ref _dropped), Interlocked.Read(ref _overloaded),
        Interlocked.Read(ref _rejected), _context.ClientFailures);

    /// <summary>Routes requests of <paramref name="method"/> to <paramref name="handler"/> (replacing any previous one).
    /// INVITE, ACK and CANCEL are the stack's own and cannot be taken.</summary>
    public void RegisterHandler(SipMethod method, ISipRequestHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (method is SipMethod.Unknown or SipMethod.Invite or SipMethod.Ack or SipMethod.Cancel)
        {
            throw new ArgumentException($"{method} requests cannot be handled above the stack.", nameof(method));
        }

        lock (_handlersGate)
        {
            _handlers = new Dictionary<SipMethod, ISipRequestHandler>(_handlers) { [method] = handler };
        }
    }

    /// <summary>Sends a request through a new non-INVITE client transaction and completes with its final response, or with a
    /// failure (Timer F timeout, transport error, overload). The builder must carry From, To, Call-ID and CSeq; the stack puts
    /// its own top Via (fresh branch, rport) and Max-Forwards: 70 if absent. A UDP request over
    /// <see cref="SipStackOptions.MaxUdpRequestBytes"/> goes over TCP. Cancelling only stops the wait (the result is then
    /// <see cref="OperationCanceledException"/>; the transaction goes on). The result may be awaited once: its source is a pooled
    /// transaction.</summary>
    public ValueTask<SipClientResult> SendRequestAsync(SipMessageBuilder request, SipDestination destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(destination.Remote);
        if (!request.IsRequest || request.Method is SipMethod.Invite or SipMethod.Ack or SipMethod.Cancel)
        {
            throw new ArgumentException("Only non-INVITE requests can be sent.", nameof(request));
        }

        var callIdIndex = request.IndexOf(SipHeaderId.CallId);
        if (callIdIndex < 0 || !request.HasHeader(SipHeaderId.CSeq) || !request.HasHeader(SipHeaderId.From) || !request.HasHeader(SipHeaderId.To))
        {
            throw new ArgumentException("A request needs From, To, Call-ID and CSeq.", nameof(request));
        }

        if (Volatile.Read(ref _disposed) != 0)
        {
            return ValueTask.FromResult(SipClientResult.Failed(SipClientFailure.Stopped, "stack stopped"));
        }

        if (!request.HasHeader(SipHeaderId.MaxForwards))
        {
            request.AddHeader(SipHeaderId.MaxForwards, "70");
        }

        request.RemoveHeader(SipHeaderId.Via);
        var shard = ShardFor(request, request.IndexOf(SipHeaderId.CallId));
        var branch = shard.Identifiers.NewBranchBits();
        var (bytes, rented) = WithVia(request, destination, branch, pooled: destination.Transport == SipTransportKind.Udp);
        if (destination.Transport == SipTransportKind.Udp && bytes.Length > _options.MaxUdpRequestBytes)
        {
            // RFC 3261 §18.1.1: too large for UDP; the request goes over TCP with a Via saying so.
            destination = destination with { Transport = SipTransportKind.Tcp };
            request.RemoveHeader(SipHeaderId.Via);
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }

            (bytes, rented) = WithVia(request, destination, branch, pooled: false);
        }

        var tx = shard.ClientPool.Rent();
        tx.Init(SipClientKey.For(branch, request.Method, request.MethodText), request.MethodText, bytes, destination, rented);
        var version = tx.Version;
        // Before the post: the shard may complete the transaction before this thread runs again.
        tx.WatchCancellation(cancellationToken);
        if (!shard.Executor.TryPost(tx, bounded: true))
        {
            tx.FailUnstarted(SipClientFailure.Overloaded, "queue full");
        }

        return new ValueTask<SipClientResult>(tx, version);
    }

    /// <summary>The local address requests to <paramref name="destination"/> leave from, for Contact headers.</summary>
    public SipSource LocalFor(SipDestination destination) => _transport.LocalFor(destination);

    public void OnConnectionClosed(long connectionId)
    {
        foreach (var shard in _shards)
        {
            shard.Executor.TryPost(() =>
            {
                foreach (var tx in shard.Clients.Values.ToArray())
                {
                    tx.OnConnectionClosed(connectionId);
                }
            });
        }
    }

    /// <summary>Stops timers and fails pending client transactions.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();
        foreach (var shard in _shards)
        {
            shard.Executor.TryPost(() =>
            {
                foreach (var tx in shard.Clients.Values.ToArray())
                {
                    tx.Stop();
                }
            });
        }

        _timers.Dispose();
        _stopping.Dispose();
    }

    internal static string TransportName(SipTransportKind kind) => kind switch
    {
        SipTransportKind.Tcp => "TCP",
        SipTransportKind.Tls => "TLS",
        SipTransportKind.Ws => "WS",
        SipTransportKind.Wss => "WSS",
        _ => "UDP",
    };

    /// <summary>Puts the stack's Via on top and serializes: over UDP into a rented buffer the client transaction gives back once
    /// it is done with it (no array per NOTIFY), otherwise into an array of its own (a stream may hold it while queued).</summary>
    private (ReadOnlyMemory<byte> Bytes, byte[]? Rented) WithVia(SipMessageBuilder request, SipDestination destination, UInt128 branch, bool pooled)
    {
        var local = _transport.LocalFor(destination);
        request.PrependVia(TransportName(destination.Transport), local.Local, branch);
        if (!pooled)
        {
            return (request.ToArray(), null);
        }

        var length = SipMessageWriter.GetByteCount(request);
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        return (rented.AsMemory(0, SipMessageWriter.Write(request, rented.AsSpan(0, length))), rented);
    }

    private SipTransactionShard ShardFor(SipMessageBuilder request, int callIdIndex)
    {
        var max = request.ValueByteCount(callIdIndex);
        if (max > 1024)
        {
            var large = new byte[max];
            return ShardFor(large.AsSpan(0, request.WriteValue(callIdIndex, large)));
        }

        Span<byte> bytes = stackalloc byte[max];
        return ShardFor(bytes[..request.WriteValue(callIdIndex, bytes)]);
    }

    private SipTransactionShard ShardFor(ReadOnlySpan<byte> callId)
    {
        // FNV-1a: stable, allocation-free, good enough to spread Call-IDs.
        var hash = 2166136261u;
        foreach (var b in callId)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return _shards[hash % (uint)_shards.Length];
    }
}
