using Lantern.Mailboxes;

namespace Lantern.Phones;

/// <summary>Resuming unsolicited NOTIFY when the last subscription of an endpoint covering a mailbox ends (sip.md §6).</summary>
internal sealed partial class UnsolicitedNotifier
{
    /// <summary>How long the mailboxes whose coverage ended are gathered before the NOTIFYs go out. One ended subscription reports
    /// each of its mailboxes in a row: an aggregated part must get one NOTIFY for all of them, not one per mailbox.</summary>
    internal static readonly TimeSpan CoverageSettle = TimeSpan.FromMilliseconds(20);

    private readonly HashSet<(string Endpoint, MailboxId Mailbox)> _coverageEnded = [];
    private bool _coverageFlushScheduled;

    /// <summary>The last active subscription of <paramref name="endpointId"/> covering <paramref name="mailbox"/> ended (unsubscribe,
    /// expiry, a NOTIFY answered 481 or timed out, removal). Nothing keeps the phone's lamp right any more, so each contact gets one
    /// NOTIFY with the current state of the parts listing the mailbox, after <see cref="CoverageSettle"/>. Wire it to
    /// <see cref="SubscriptionManager.CoverageEnded"/>.</summary>
    public void OnCoverageEnded(string endpointId, MailboxId mailbox)
    {
        bool schedule;
        lock (_gate)
        {
            // While held, the start-up NOTIFYs will cover every contact anyway.
            if (_holding || !_targets.ContainsKey(endpointId))
            {
                return;
            }

            _coverageEnded.Add((endpointId, mailbox));
            schedule = !_coverageFlushScheduled;
            _coverageFlushScheduled = true;
        }

        if (schedule)
        {
            _deadlines.Schedule(_time.GetUtcNow() + CoverageSettle, FlushCoverageEnded);
        }
    }

    private void FlushCoverageEnded()
    {
        List<(string Endpoint, MailboxId Mailbox)> ended;
        EndpointDirectory directory;
        lock (_gate)
        {
            ended = [.. _coverageEnded];
            _coverageEnded.Clear();
            _coverageFlushScheduled = false;
            directory = _directory;
        }

        HashSet<ContactDelivery>? kicks = null;
        foreach (var (endpointId, mailbox) in ended)
        {
            // Without subscribeReplacesUnsolicited the contacts were never left without unsolicited NOTIFYs.
            var endpoint = directory.Find(endpointId);
            if (endpoint is null || !endpoint.Unsolicited || !endpoint.SubscribeReplacesUnsolicited)
            {
                continue;
            }

            var contacts = _registrar.ContactsOf(endpointId);
            if (contacts.Count == 0)
            {
                continue;
            }

            lock (_gate)
            {
                if (_holding || !_targets.TryGetValue(endpointId, out var target))
                {
                    continue;
                }

                foreach (var c in contacts)
                {
                    var d = DeliveryLocked(c);
                    if (MarkDirty(d, target, mailbox))
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
}
