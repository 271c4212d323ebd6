namespace Lantern.Phones;

/// <summary>One live message-summary subscription; mutable state owned by <see cref="SubscriptionManager"/> and changed only under its lock.</summary>
internal sealed class Subscription
{
    public Subscription(long id, SubscriptionDialog dialog, MwiTarget target, string? boundKey, DateTimeOffset createdAt)
    {
        Id = id;
        Key = dialog.Key;
        Dialog = dialog;
        Target = target;
        BoundKey = boundKey;
        CreatedAt = createdAt;
        Dirty = new bool[target.Parts.Count];
    }

    public long Id { get; }

    /// <summary>The dialog key (Call-ID and tags never change within a dialog), computed once.</summary>
    public string Key { get; }

    /// <summary>Replaced when a refresh changes the remote target (SUBSCRIBE is a target refresh request).</summary>
    public SubscriptionDialog Dialog { get; set; }

    public MwiTarget Target { get; }

    /// <summary>Key of the per-endpoint bound; null for subscriptions through a trusted source.</summary>
    public string? BoundKey { get; }

    public DateTimeOffset CreatedAt { get; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>The expiry's entry in the manager's scheduler, made at the first expiry and moved by each refresh.</summary>
    public ScheduledDeadline? Expiry { get; set; }

    /// <summary>CSeq of the last NOTIFY sent.</summary>
    public long CSeq { get; set; }

    /// <summary>CSeq up to which the stored record is valid: a restart continues above it.</summary>
    public long CSeqReserved { get; set; }

    /// <summary>The reservation known committed: no NOTIFY goes out above it, so a node adopting the dialog after this one
    /// died or was fenced never reuses a CSeq the phone has seen (decision 0045).</summary>
    public long CSeqStored { get; set; }

    /// <summary>The reservation in the record the writer last serialized, committed when its batch is.</summary>
    public long CSeqWriting { get; set; }

    /// <summary>Parts whose state changed since their last NOTIFY.</summary>
    public bool[] Dirty { get; }

    /// <summary>True after the 200 went out: NOTIFYs may be sent.</summary>
    public bool Activated { get; set; }

    /// <summary>A NOTIFY of this subscription is on the wire; the next waits for its outcome.</summary>
    public bool InFlight { get; set; }

    /// <summary>This subscription's send loop holds one of the notifier's in-flight slots (see <see cref="SubscriptionManager"/>).</summary>
    public bool HoldsSlot { get; set; }

    /// <summary>Takes the slot back from a NOTIFY still unanswered after the hold time; made at the first NOTIFY and reused.</summary>
    public ScheduledDeadline? SlotRelease { get; set; }

    public bool Terminating { get; set; }

    /// <summary>The <c>reason</c> of the terminating NOTIFY; null to omit it.</summary>
    public string? TerminationReason { get; set; }

    public bool Ended { get; set; }

    /// <summary>With a minimum interval: earliest time of the next non-final NOTIFY.</summary>
    public DateTimeOffset NextAllowedAt { get; set; }

    public bool DeferredKickScheduled { get; set; }

    public DateTimeOffset? LastNotifyAt { get; set; }

    /// <summary>Outcome of the last NOTIFY; kept as a value and formatted only when a status page asks.</summary>
    public NotifyOutcome? LastOutcome { get; set; }

    public string? LastResult => LastOutcome?.ToString();

    public long LastVersion { get; set; }

    /// <summary>Operator requests (<c>:notify</c>) waiting for the next NOTIFY's outcome; null when none (the usual case).</summary>
    public List<TaskCompletionSource<NotifyOutcome>>? Waiters { get; set; }

    public bool AnyDirty()
    {
        foreach (var d in Dirty)
        {
            if (d)
            {
                return true;
            }
        }

        return false;
    }

    public void MarkAllDirty() => Array.Fill(Dirty, true);
}
