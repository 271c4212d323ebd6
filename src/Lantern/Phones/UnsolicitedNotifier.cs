using Lantern.Mailboxes;

namespace Lantern.Phones;

/// <summary>Out-of-dialog NOTIFYs to the contacts of endpoints with <c>unsolicited: true</c> (sip.md §6): on change (coalesced per
/// contact), on a new binding or a re-REGISTER after a failed NOTIFY, and at start-up spread over a window; suppressed for mailboxes
/// an active subscription of the endpoint covers, with one NOTIFY of the current state when that coverage ends.</summary>
internal sealed partial class UnsolicitedNotifier : IContactBindingListener, IAsyncDisposable
{
    private readonly IMwiNotifySender _sender;
    private readonly IMailboxService _mailboxes;
    private readonly Registrar _registrar;
    private readonly Func<string, MailboxId, bool> _isCovered;
    private readonly PhonesSettings _settings;
    private readonly TimeProvider _time;
    private readonly PhonesMetrics _metrics;
    private readonly ILogger _logger;
    private readonly DeadlineScheduler _deadlines;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ContactDelivery> _deliveries = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private Dictionary<string, MwiTarget> _targets = new(StringComparer.Ordinal);
    private EndpointDirectory _directory = EndpointDirectory.Empty;
    private int _inFlight;
    private bool _holding;

    /// <param name="isCovered">Whether an active subscription of the endpoint covers the mailbox (see <see cref="SubscriptionManager.IsCovered"/>).</param>
    public UnsolicitedNotifier(
        IMwiNotifySender sender,
        IMailboxService mailboxes,
        Registrar registrar,
        Func<string, MailboxId, bool> isCovered,
        PhonesSettings settings,
        TimeProvider time,
        PhonesMetrics metrics,
        ILogger logger)
    {
        _sender = sender;
        _mailboxes = mailboxes;
        _registrar = registrar;
        _isCovered = isCovered;
        _settings = settings;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _deadlines = new DeadlineScheduler(time);
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>While held (start-up before the transports run), bindings are tracked but nothing is sent;
    /// <see cref="ScheduleStartup"/> releases and covers every contact.</summary>
    public void Hold()
    {
        lock (_gate)
        {
            _holding = true;
        }
    }

    /// <summary>Takes a (new) configuration: which endpoints want unsolicited NOTIFYs and their parts.</summary>
    public void ApplyDirectory(EndpointDirectory directory)
    {
        var targets = new Dictionary<string, MwiTarget>(StringComparer.Ordinal);
        foreach (var e in directory.Endpoints)
        {
            if (e.Unsolicited)
            {
                targets.Add(e.Id, EndpointDirectory.TargetOf(e));
            }
        }

        lock (_gate)
        {
            _directory = directory;
            _targets = targets;
        }
    }

    /// <summary>Schedules one NOTIFY to every current contact, spread evenly over <see cref="PhonesSettings.StartupWindow"/>.</summary>
    public int ScheduleStartup()
    {
        var contacts = _registrar.Snapshot();
        List<ContactBinding> wanted;
        lock (_gate)
        {
            _holding = false;
            wanted = contacts.FindAll(b => _targets.ContainsKey(b.EndpointId));
        }

        var now = _time.GetUtcNow();
        var window = _settings.StartupWindow;
        for (var i = 0; i < wanted.Count; i++)
        {
            var binding = wanted[i];
            var offset = TimeSpan.FromTicks(window.Ticks / wanted.Count * i);
            if (offset <= TimeSpan.Zero)
            {
                SendAll(binding);
            }
            else
            {
                _deadlines.Schedule(now + offset, () => SendAll(binding));
            }
        }

        return wanted.Count;
    }

    /// <summary>A mailbox changed: every contact of every unsolicited endpoint listing it gets the affected part, coalesced.</summary>
    public void OnMailboxChanged(MailboxId mailbox)
    {
        List<ContactDelivery>? kicks = null;
        EndpointDirectory directory;
        lock (_gate)
        {
            directory = _directory;
        }

        lock (_gate)
        {
            if (_holding)
            {
                return;
            }
        }

        foreach (var e in directory.EndpointsOf(mailbox))
        {
            if (!e.Unsolicited || (e.SubscribeReplacesUnsolicited && _isCovered(e.Id, mailbox)))
            {
                continue;
            }

            var contacts = _registrar.ContactsOf(e.Id);
            if (contacts.Count == 0)
            {
                continue;
            }

            lock (_gate)
            {
                if (!_targets.TryGetValue(e.Id, out var target))
                {
                    continue;
                }

                foreach (var c in contacts)
                {
                    var d = DeliveryLocked(c);
                    MarkDirty(d, target, mailbox);
                    if (!d.InFlight)
                    {
                        (kicks ??= []).Add(d);
                    }
                }
            }
        }

        if (kicks is not null)
        {
            foreach (var d in kicks)
            {
                Kick(d);
            }
        }
    }

    /// <summary>Marks the parts of <paramref name="target"/> that cover <paramref name="mailbox"/> for the next NOTIFY to
    /// <paramref name="delivery"/>; false when none does. Under <c>_gate</c>.</summary>
    private static bool MarkDirty(ContactDelivery delivery, MwiTarget target, MailboxId mailbox)
    {
        var marked = false;
        for (var i = 0; i < target.Parts.Count; i++)
        {
            if (target.Parts[i].Covers(mailbox))
            {
                delivery.Dirty.Add(i);
                marked = true;
            }
        }

        return marked;
    }

    public void OnAwaitingAnswer(ContactBinding binding)
    {
        lock (_gate)
        {
            if (_targets.ContainsKey(binding.EndpointId))
            {
                DeliveryLocked(binding).AwaitingAnswer = true;
            }
        }
    }

    public void OnBound(ContactBinding binding, bool isNew)
    {
        bool send;
        ContactDelivery d;
        lock (_gate)
        {
            if (!_targets.ContainsKey(binding.EndpointId))
            {
                return;
            }

            d = DeliveryLocked(binding);
            d.Binding = binding;
            d.AwaitingAnswer = false;

            // A routine re-REGISTER of a contact that is up to date gets nothing (unlike Asterisk).
            send = !_holding && (isNew || d.LastFailed);
        }

        if (send)
        {
            SendAll(binding);
        }
        else
        {
            // Changes that arrived while the 200 was awaited.
            Kick(d);
        }
    }

    public void OnUnbound(ContactBinding binding)
    {
        lock (_gate)
        {
            if (_deliveries.Remove(binding.Key, out var d))
            {
                d.Removed = true;
            }
        }
    }

    /// <summary>The delivery state of a contact, for status pages (null when nothing was sent to it yet).</summary>
    public (DateTimeOffset? LastSuccessAt, DateTimeOffset? LastFailureAt, string? LastFailure)? DeliveryOf(string endpointId, string uri)
    {
        lock (_gate)
        {
            return _deliveries.TryGetValue(ContactBinding.KeyOf(endpointId, uri), out var d)
                ? (d.LastSuccessAt, d.LastFailureAt, d.LastFailure)
                : null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _deadlines.Dispose();
    }

    /// <summary>Queues every part of the endpoint for this contact (new binding, failed before, start-up).</summary>
    private void SendAll(ContactBinding binding)
    {
        ContactDelivery d;
        lock (_gate)
        {
            if (!_targets.TryGetValue(binding.EndpointId, out var target))
            {
                return;
            }

            d = DeliveryLocked(binding);
            for (var i = 0; i < target.Parts.Count; i++)
            {
                d.Dirty.Add(i);
            }
        }

        Kick(d);
    }

    private ContactDelivery DeliveryLocked(ContactBinding binding)
    {
        if (!_deliveries.TryGetValue(binding.Key, out var d))
        {
            d = new ContactDelivery(binding);
            _deliveries.Add(binding.Key, d);
        }

        return d;
    }
}
