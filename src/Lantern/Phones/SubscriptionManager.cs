using Lantern.Mailboxes;
using Lantern.Sip.Transport;

namespace Lantern.Phones;

/// <summary>The message-summary notifier's state: live subscriptions, their expiry, bounds, and NOTIFYs coalesced so that
/// each subscription has at most one in flight and the newest state always goes out last.</summary>
/// <remarks>All state is changed under one short lock that is never held across I/O; NOTIFYs are sent outside it.</remarks>
internal sealed partial class SubscriptionManager : IAsyncDisposable
{
    internal const string RecordKind = "subscription";

    private readonly IMwiNotifySender _sender;
    private readonly IMailboxService _mailboxes;
    private readonly PhonesSettings _settings;
    private readonly PhoneRecordWriter? _writer;
    private readonly TimeProvider _time;
    private readonly PhonesMetrics _metrics;
    private readonly ILogger _logger;
    private readonly DeadlineScheduler _deadlines;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Subscription> _byDialog = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Subscription>.AlternateLookup<ReadOnlySpan<char>> _byDialogKey;
    // One subscription per mailbox is the common case: the value is that Subscription, or a HashSet<Subscription> for several.
    private readonly Dictionary<MailboxId, object> _byMailbox = [];
    private readonly Dictionary<string, List<Subscription>> _byBoundKey = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Endpoint, MailboxId Mailbox), int> _coverage = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly SubscriptionStrings _strings = new();
    private readonly Action<object?> _onExpiryDue;
    private readonly Action<object, System.Text.Json.Utf8JsonWriter> _serializeRecord;
    private readonly Action<object, bool> _onRecordStored;
    private readonly List<Subscription> _restored = [];
    private readonly List<Subscription> _restoredRemoved = [];
    private readonly MwiSnapshotCache _snapshots;
    private List<(string Endpoint, MailboxId Mailbox)>? _coverageEnded;
    private string? _lastActiveState;
    private long _lastActiveRemaining;
    private readonly Queue<Subscription> _waitingForSlot = new();
    private readonly Action<object?> _onSlotOverdue;
    private long _nextId;
    private int _pumpsRunning;
    private int _slotsInUse;

    public SubscriptionManager(
        IMwiNotifySender sender,
        IMailboxService mailboxes,
        PhonesSettings settings,
        PhoneRecordWriter? writer,
        TimeProvider time,
        PhonesMetrics metrics,
        ILogger logger)
    {
        _sender = sender;
        _mailboxes = mailboxes;
        _settings = settings;
        _writer = writer;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _deadlines = new DeadlineScheduler(time);
        _byDialogKey = _byDialog.GetAlternateLookup<ReadOnlySpan<char>>();
        _onExpiryDue = s => OnExpiryDue((Subscription)s!);
        _onSlotOverdue = s => OnSlotOverdue((Subscription)s!);
        _serializeRecord = SerializeRecord;
        _onRecordStored = (s, applied) => OnRecordStored((Subscription)s, applied);
        _snapshots = new MwiSnapshotCache(settings.Domain, mailboxes);
    }

    /// <summary>Called (outside the lock) when the last active subscription of an endpoint covering a mailbox ends, so unsolicited NOTIFY resumes.</summary>
    public Action<string, MailboxId>? CoverageEnded { get; set; }

    /// <summary>This node's Contact for a dialog it adopts from another node (see <see cref="LocalContacts"/>); null, or a null
    /// answer, keeps the stored one.</summary>
    public Func<SubscriptionDialog, string?>? AdoptedContact { get; set; }

    /// <summary>Keeps the connection a live subscription was received over open past the idle timeout; null counts nothing.</summary>
    public ConnectionUse? Connections { get; set; }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byDialog.Count;
            }
        }
    }

    /// <summary>NOTIFY send loops currently running (one at most per subscription).</summary>
    public int NotifiesInFlight => Volatile.Read(ref _pumpsRunning);

    /// <summary>Subscriptions with a NOTIFY to send that wait for one of the in-flight slots.</summary>
    public int NotifiesWaiting
    {
        get
        {
            lock (_gate)
            {
                return _waitingForSlot.Count;
            }
        }
    }

    /// <summary>Deadlines queued in the manager's scheduler (expiries, deferred NOTIFYs): one per live subscription at most, in steady state.</summary>
    internal int ScheduledDeadlines => _deadlines.Count;

    /// <summary>Whether an active subscription of <paramref name="endpointId"/> covers <paramref name="mailbox"/>.</summary>
    public bool IsCovered(string endpointId, MailboxId mailbox)
    {
        lock (_gate)
        {
            return _coverage.ContainsKey((endpointId, mailbox));
        }
    }

    /// <summary>A new SUBSCRIBE (no To tag) for <paramref name="target"/> creating <paramref name="dialog"/>.</summary>
    /// <param name="boundKey">The endpoint id for the per-endpoint bound; null for trusted sources.</param>
    /// <param name="boundLimit">Subscriptions allowed under <paramref name="boundKey"/>; a new one beyond it replaces the oldest.</param>
    public SubscribeDecision Subscribe(SubscriptionDialog dialog, MwiTarget target, int? requestedExpires, string? boundKey, int boundLimit = 20)
    {
        var granted = PhonesSettings.Negotiate(requestedExpires, _settings.SubscriptionMinExpires, _settings.SubscriptionMaxExpires, _settings.SubscriptionDefaultExpires);
        if (granted is null)
        {
            return new SubscribeDecision(SubscribeStatus.IntervalTooBrief, null, 0, _settings.SubscriptionMinExpires, 0);
        }

        var now = _time.GetUtcNow();
        Subscription sub;
        Subscription? replaced = null;
        lock (_gate)
        {
            if (TryGetDialogLocked(dialog.CallId, dialog.LocalTag, dialog.RemoteTag, out var existing))
            {
                // Same dialog again (a retransmission that outlived its transaction): treat as a refresh.
                return RefreshLocked(existing, granted.Value, null, now);
            }

            if (_byDialog.Count >= _settings.MaxSubscriptions)
            {
                PhonesLog.SubscriptionTableFull(_logger, _settings.MaxSubscriptions);
                _metrics.Overloaded("SUBSCRIBE");
                return new SubscribeDecision(SubscribeStatus.Overloaded, null, 0, 0, _settings.RetryAfterSeconds);
            }

            sub = new Subscription(++_nextId, _strings.Share(dialog), target, boundKey, now);
            if (boundKey is not null && _byBoundKey.TryGetValue(boundKey, out var owned) && owned.Count >= Math.Max(1, boundLimit))
            {
                replaced = owned[0];
            }

            AddLocked(sub);
            sub.MarkAllDirty();
            if (granted.Value == 0)
            {
                // A fetch (RFC 6665 §4.4.3): one NOTIFY with the state, then the subscription is over.
                sub.ExpiresAt = now;
                BeginTerminationLocked(sub, null);
            }
            else
            {
                SetExpiryLocked(sub, now.AddSeconds(granted.Value), claim: true);
                // Nothing can adopt the dialog before its first record is stored, and that record carries this reservation.
                sub.CSeqStored = sub.CSeqReserved;
            }

            if (replaced is not null)
            {
                BeginTerminationLocked(replaced, "rejected");
            }
        }

        if (replaced is not null)
        {
            PhonesLog.SubscriptionReplaced(_logger, replaced.Dialog.CallId, boundKey ?? string.Empty);
            Kick(replaced);
        }

        return new SubscribeDecision(SubscribeStatus.Accepted, sub, granted.Value, 0, 0);
    }

    /// <summary>The live subscription an in-dialog request names, or null when there is none (it is then answered 481).</summary>
    public Subscription? FindDialog(string callId, string localTag, string remoteTag)
    {
        lock (_gate)
        {
            return TryGetDialogLocked(callId, localTag, remoteTag, out var sub) && !sub.Terminating ? sub : null;
        }
    }

    /// <summary>An in-dialog SUBSCRIBE: refresh (new expiry, NOTIFY with the current state) or, with Expires 0, unsubscribe (final NOTIFY).</summary>
    /// <param name="newRemoteTarget">The request's Contact when present (target refresh).</param>
    /// <param name="flow">Where the refresh came from: over a new stream connection, later NOTIFYs go there.</param>
    public SubscribeDecision Refresh(string callId, string localTag, string remoteTag, int? requestedExpires, string? newRemoteTarget, SipDestination? flow = null)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (!TryGetDialogLocked(callId, localTag, remoteTag, out var sub) || sub.Terminating)
            {
                return new SubscribeDecision(SubscribeStatus.NoSuchDialog, null, 0, 0, 0);
            }

            var granted = PhonesSettings.Negotiate(requestedExpires, _settings.SubscriptionMinExpires, _settings.SubscriptionMaxExpires, _settings.SubscriptionDefaultExpires);
            if (granted is null)
            {
                return new SubscribeDecision(SubscribeStatus.IntervalTooBrief, null, 0, _settings.SubscriptionMinExpires, 0);
            }

            if (flow is { ConnectionId: not 0 } f && f.ConnectionId != sub.Dialog.ConnectionId)
            {
                // A phone that reconnected (WebSocket) or was rebound by a NAT is reachable only over its new connection.
                Connections?.Move(sub.Dialog.ConnectionId, f.ConnectionId);
                sub.Dialog = sub.Dialog with
                {
                    Transport = f.Transport,
                    RemoteAddress = f.Remote.Address.ToString(),
                    RemotePort = f.Remote.Port,
                    ConnectionId = f.ConnectionId,
                };
            }

            return RefreshLocked(sub, granted.Value, newRemoteTarget, now);
        }
    }

    /// <summary>Lets NOTIFYs flow for a subscription once its 200 has been sent: the first carries the full state.</summary>
    public void Activate(Subscription subscription)
    {
        lock (_gate)
        {
            subscription.Activated = true;
        }

        Kick(subscription);
    }

    /// <summary>Ends a subscription from the server side with a final NOTIFY (<c>deactivated</c>, <c>noresource</c>, ...).</summary>
    public void Terminate(Subscription subscription, string? reason)
    {
        lock (_gate)
        {
            if (!BeginTerminationLocked(subscription, reason))
            {
                return;
            }
        }

        Kick(subscription);
    }

    /// <summary>Ends every subscription of an endpoint (removed or changed by a reload, or through the API).</summary>
    public int TerminateEndpoint(string endpointId, string reason)
    {
        var ended = new List<Subscription>();
        lock (_gate)
        {
            foreach (var sub in _byDialog.Values)
            {
                if (sub.Target.EndpointId == endpointId && BeginTerminationLocked(sub, reason))
                {
                    ended.Add(sub);
                }
            }
        }

        foreach (var sub in ended)
        {
            Kick(sub);
        }

        return ended.Count;
    }

    /// <summary>Marks every subscription covering <paramref name="mailbox"/> for a NOTIFY with its newest state.</summary>
    public void OnMailboxChanged(MailboxId mailbox)
    {
        List<Subscription>? kicks = null;
        lock (_gate)
        {
            if (!_byMailbox.TryGetValue(mailbox, out var indexed))
            {
                return;
            }

            foreach (var sub in indexed as HashSet<Subscription> ?? [(Subscription)indexed])
            {
                if (sub.Terminating)
                {
                    continue;
                }

                var parts = sub.Target.Parts;
                for (var i = 0; i < parts.Count; i++)
                {
                    if (parts[i].Covers(mailbox))
                    {
                        sub.Dirty[i] = true;
                    }
                }

                // Claimed here, in the one pass under the lock, rather than by Kick per subscription: a fan-out to
                // thousands of subscribers would otherwise take the lock twice more for each.
                if (sub.Activated && !sub.InFlight && !sub.Ended)
                {
                    sub.InFlight = true;
                    if (TryTakeSlotLocked(sub))
                    {
                        (kicks ??= []).Add(sub);
                    }
                }
            }
        }

        RaiseCoverageEnded();
        if (kicks is not null)
        {
            Interlocked.Add(ref _pumpsRunning, kicks.Count);
            foreach (var sub in kicks)
            {
                _ = PumpAsync(sub);
            }
        }
    }

    /// <summary>A mailbox was deleted: a subscription left with none of its mailboxes gets its final NOTIFY
    /// <c>terminated;reason=noresource</c> (sip.md §4.6, RFC 6665 §4.2.2); one that still has others (an aggregate) gets a
    /// NOTIFY with the sum of what is left.</summary>
    public void OnMailboxDeleted(MailboxId mailbox)
    {
        List<Subscription> watching;
        lock (_gate)
        {
            if (!_byMailbox.TryGetValue(mailbox, out var indexed))
            {
                return;
            }

            watching = indexed is HashSet<Subscription> set ? [.. set] : [(Subscription)indexed];
        }

        // Existence is read outside the lock (the mailbox service has its own); a mailbox recreated since the deletion counts
        // as present, and its own change will be notified.
        Dictionary<MailboxId, bool>? exists = null;
        var gone = new List<Subscription>();
        foreach (var sub in watching)
        {
            if (AllMailboxesGone(sub.Target, ref exists))
            {
                gone.Add(sub);
            }
        }

        var ended = new List<Subscription>();
        lock (_gate)
        {
            foreach (var sub in gone)
            {
                if (BeginTerminationLocked(sub, "noresource"))
                {
                    ended.Add(sub);
                }
            }
        }

        foreach (var sub in ended)
        {
            PhonesLog.SubscriptionResourceGone(_logger, sub.Dialog.CallId, mailbox);
            Kick(sub);
        }

        // The rest (aggregates with a mailbox left) report the new sum like any change.
        OnMailboxChanged(mailbox);
    }

    public Subscription? Find(string callId, string localTag, string remoteTag)
    {
        lock (_gate)
        {
            return TryGetDialogLocked(callId, localTag, remoteTag, out var sub) ? sub : null;
        }
    }

    /// <summary>A copy of every live subscription, for status pages.</summary>
    public List<Subscription> Snapshot()
    {
        lock (_gate)
        {
            return [.. _byDialog.Values];
        }
    }

    private bool AllMailboxesGone(MwiTarget target, ref Dictionary<MailboxId, bool>? exists)
    {
        foreach (var m in target.AllMailboxes())
        {
            exists ??= [];
            if (!exists.TryGetValue(m, out var present))
            {
                present = _mailboxes.Find(m) is not null;
                exists[m] = present;
            }

            if (present)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Stops sending; subscriptions stay in the store untouched, to resume at the next start.</summary>
    public async ValueTask DisposeAsync()
    {
        // The token source is not disposed: send loops still finishing observe its token.
        await _stopping.CancelAsync();
        _deadlines.Dispose();
    }
}
