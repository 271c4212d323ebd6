using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Lantern.Configuration;
using Lantern.Mailboxes;
using Lantern.Status;

namespace Lantern.Upstreams;

/// <summary>The outbound subscriptions feature: one <see cref="UpstreamSubscriber"/> per configured upstream, NOTIFY
/// routing by Call-ID, reload (added start, removed unsubscribe, changed restart) and the status read model.</summary>
internal sealed class UpstreamsModule : IUpstreamStatusSource, IAsyncDisposable
{
    /// <summary>How long a removal waits for the unsubscribe before giving up on it.</summary>
    public static readonly TimeSpan UnsubscribeTimeout = TimeSpan.FromSeconds(5);

    private readonly IUpstreamSipClient _client;
    private readonly IMailboxService _mailboxes;
    private readonly UpstreamBodyParser _parseBody;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly UpstreamMetrics _metrics;
    private readonly TimeSpan _notifyTimeout;
    private readonly SemaphoreSlim _applying = new(1, 1);
    private readonly ConcurrentDictionary<string, UpstreamSubscriber> _byCallId = new(StringComparer.Ordinal);
    private Dictionary<string, UpstreamSubscriber> _subscribers = new(StringComparer.Ordinal);
    private IReadOnlyList<UpstreamOptions> _configured = [];
    private volatile bool _held = true;

    public UpstreamsModule(
        IUpstreamSipClient client,
        IMailboxService mailboxes,
        UpstreamBodyParser parseBody,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        IMeterFactory? meterFactory = null,
        TimeSpan notifyTimeout = default)
    {
        _client = client;
        _mailboxes = mailboxes;
        _parseBody = parseBody;
        _time = timeProvider;
        _loggers = loggerFactory;
        _logger = loggerFactory.CreateLogger("Lantern.Upstreams");
        _metrics = new UpstreamMetrics(meterFactory, MeasureStates);
        _notifyTimeout = notifyTimeout;
    }

    /// <summary>Raised after any upstream's status changed (on that upstream's owner loop; handlers must be quick).</summary>
    public event Action<UpstreamStatus>? StatusChanged;

    /// <summary>Until <see cref="SetHeldAsync"/> says otherwise, keep the configured upstreams without running them (cluster mode).</summary>
    public void StandBy() => _held = false;

    /// <summary>Runs (held) or unsubscribes (not held) the configured upstreams: only the cluster node holding them runs them.</summary>
    public Task SetHeldAsync(bool held, CancellationToken cancellationToken)
    {
        _held = held;
        return ApplyAsync(Volatile.Read(ref _configured), cancellationToken);
    }

    /// <summary>Starts a subscriber for every valid upstream; invalid entries are logged and skipped (validation reports them first).</summary>
    public Task StartAsync(IReadOnlyList<UpstreamOptions> upstreams, CancellationToken cancellationToken) => ApplyAsync(upstreams, cancellationToken);

    /// <summary>Reload: starts added upstreams, unsubscribes removed ones (<c>Expires: 0</c>), restarts changed ones.</summary>
    public async Task ApplyAsync(IReadOnlyList<UpstreamOptions> upstreams, CancellationToken cancellationToken)
    {
        var wanted = new Dictionary<string, UpstreamDefinition>(StringComparer.Ordinal);
        for (var i = 0; i < upstreams.Count; i++)
        {
            if (!UpstreamDefinition.TryCreate(upstreams[i], out var definition, out var error))
            {
                UpstreamsLog.InvalidConfiguration(_logger, i, error);
                continue;
            }

            wanted.TryAdd(definition.Name, definition);
        }

        Volatile.Write(ref _configured, upstreams);
        await _applying.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Read under the gate, so a reload racing a change of holder cannot start upstreams on a node that lost them.
            if (!_held)
            {
                wanted.Clear();
            }

            var current = _subscribers;
            var next = new Dictionary<string, UpstreamSubscriber>(StringComparer.Ordinal);
            var stopping = new List<UpstreamSubscriber>();
            foreach (var (name, subscriber) in current)
            {
                if (wanted.TryGetValue(name, out var definition) && definition == subscriber.Upstream)
                {
                    next.Add(name, subscriber);
                }
                else
                {
                    stopping.Add(subscriber);
                }
            }

            await StopAllAsync(stopping, cancellationToken).ConfigureAwait(false);
            foreach (var (name, definition) in wanted)
            {
                if (!next.ContainsKey(name))
                {
                    var subscriber = new UpstreamSubscriber(
                        definition, _client, _mailboxes, _parseBody, _time, _loggers.CreateLogger("Lantern.Upstreams." + name), _metrics, callIdChanged: OnCallIdChanged, notifyTimeout: _notifyTimeout);
                    subscriber.StatusChanged += OnStatusChanged;
                    next.Add(name, subscriber);
                    subscriber.Start();
                }
            }

            Volatile.Write(ref _subscribers, next);
        }
        finally
        {
            _applying.Release();
        }
    }

    /// <summary>Unsubscribes every upstream (bounded by <paramref name="cancellationToken"/> and <see cref="UnsubscribeTimeout"/>).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _applying.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var all = new List<UpstreamSubscriber>(_subscribers.Values);
            Volatile.Write(ref _subscribers, new Dictionary<string, UpstreamSubscriber>(StringComparer.Ordinal));
            await StopAllAsync(all, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _applying.Release();
        }
    }

    /// <summary>Routes an in-dialog NOTIFY to the upstream whose subscription has its Call-ID; null when none does
    /// (the caller answers <c>481</c> or offers it elsewhere).</summary>
    public async ValueTask<UpstreamNotifyResult?> TryHandleNotifyAsync(UpstreamNotify notify, CancellationToken cancellationToken) =>
        _byCallId.TryGetValue(notify.CallId, out var subscriber)
            ? await subscriber.HandleNotifyAsync(notify, cancellationToken).ConfigureAwait(false)
            : null;

    /// <summary>True when <paramref name="callId"/> belongs to a live outbound subscription.</summary>
    public bool OwnsCallId(string callId) => _byCallId.ContainsKey(callId);

    public IReadOnlyList<UpstreamStatus> GetUpstreams()
    {
        var subscribers = Volatile.Read(ref _subscribers);
        var result = new List<UpstreamStatus>(subscribers.Count);
        foreach (var s in subscribers.Values)
        {
            result.Add(s.Status);
        }

        result.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var s in Volatile.Read(ref _subscribers).Values)
        {
            await s.DisposeAsync().ConfigureAwait(false);
        }

        _metrics.Dispose();
        _applying.Dispose();
    }

    private static async Task StopAllAsync(List<UpstreamSubscriber> subscribers, CancellationToken cancellationToken)
    {
        if (subscribers.Count == 0)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(UnsubscribeTimeout);
        var stops = new List<Task>(subscribers.Count);
        foreach (var s in subscribers)
        {
            stops.Add(s.StopAsync(timeout.Token));
        }

        await Task.WhenAll(stops).ConfigureAwait(false);
        foreach (var s in subscribers)
        {
            await s.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void OnStatusChanged(UpstreamStatus status) => StatusChanged?.Invoke(status);

    private void OnCallIdChanged(UpstreamSubscriber subscriber, string? oldCallId, string? newCallId)
    {
        if (oldCallId is not null)
        {
            _byCallId.TryRemove(new KeyValuePair<string, UpstreamSubscriber>(oldCallId, subscriber));
        }

        if (newCallId is not null)
        {
            _byCallId[newCallId] = subscriber;
        }
    }

    private IEnumerable<Measurement<int>> MeasureStates()
    {
        Span<int> counts = stackalloc int[5];
        foreach (var s in Volatile.Read(ref _subscribers).Values)
        {
            counts[(int)s.Status.State]++;
        }

        return
        [
            new Measurement<int>(counts[0], new KeyValuePair<string, object?>("state", "subscribing")),
            new Measurement<int>(counts[1], new KeyValuePair<string, object?>("state", "active")),
            new Measurement<int>(counts[2], new KeyValuePair<string, object?>("state", "retrying")),
            new Measurement<int>(counts[3], new KeyValuePair<string, object?>("state", "failed-auth")),
            new Measurement<int>(counts[4], new KeyValuePair<string, object?>("state", "failed-no-notify")),
        ];
    }
}
