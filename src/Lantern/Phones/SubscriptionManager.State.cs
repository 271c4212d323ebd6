using System.Globalization;
using Lantern.Mailboxes;

namespace Lantern.Phones;

/// <summary>Table maintenance, expiry and termination, all called with the lock held.</summary>
internal sealed partial class SubscriptionManager
{
    private const int CSeqReservation = 100;

    private void AddLocked(Subscription sub)
    {
        _byDialog.Add(sub.Key, sub);
        Connections?.Acquire(sub.Dialog.ConnectionId);
        foreach (var m in sub.Target.AllMailboxes())
        {
            if (!_byMailbox.TryGetValue(m, out var indexed))
            {
                _byMailbox.Add(m, sub);
            }
            else if (indexed is HashSet<Subscription> set)
            {
                set.Add(sub);
            }
            else
            {
                _byMailbox[m] = new HashSet<Subscription> { (Subscription)indexed, sub };
            }
            if (sub.Target.EndpointId is { } endpoint)
            {
                _coverage[(endpoint, m)] = _coverage.GetValueOrDefault((endpoint, m)) + 1;
            }
        }

        if (sub.BoundKey is not null)
        {
            if (!_byBoundKey.TryGetValue(sub.BoundKey, out var owned))
            {
                owned = [];
                _byBoundKey.Add(sub.BoundKey, owned);
            }

            owned.Add(sub);
        }
    }

    /// <summary>Starts the end of a subscription: it stops counting against bounds and coverage, and its final NOTIFY is queued.
    /// False when it was already ending.</summary>
    private bool BeginTerminationLocked(Subscription sub, string? reason)
    {
        if (sub.Terminating || sub.Ended)
        {
            return false;
        }

        sub.Terminating = true;
        sub.TerminationReason = reason;
        ReleaseBoundsLocked(sub);
        return true;
    }

    private void ReleaseBoundsLocked(Subscription sub)
    {
        if (sub.BoundKey is not null && _byBoundKey.TryGetValue(sub.BoundKey, out var owned))
        {
            owned.Remove(sub);
            if (owned.Count == 0)
            {
                _byBoundKey.Remove(sub.BoundKey);
            }
        }

        if (sub.Target.EndpointId is { } endpoint)
        {
            foreach (var m in sub.Target.AllMailboxes())
            {
                var n = _coverage.GetValueOrDefault((endpoint, m)) - 1;
                if (n <= 0)
                {
                    _coverage.Remove((endpoint, m));
                    (_coverageEnded ??= []).Add((endpoint, m));
                }
                else
                {
                    _coverage[(endpoint, m)] = n;
                }
            }
        }
    }

    /// <summary>Removes an ended subscription from every table and the store; with <paramref name="released"/> (another node
    /// owns it now) from memory only, and without resuming unsolicited NOTIFY, which the new owner's dialog covers.</summary>
    /// <remarks>A subscription this node had already ended (the phone's unsubscribe answered, an expiry) is deleted even when
    /// released: the dialog ends on whichever node owns it now, unless the phone claimed it there since (decision 0041).</remarks>
    private void RemoveLocked(Subscription sub, bool released = false)
    {
        if (sub.Ended)
        {
            return;
        }

        var endedHere = sub.Terminating;
        if (!sub.Terminating)
        {
            sub.Terminating = true;
            var coverageEnded = _coverageEnded;
            ReleaseBoundsLocked(sub);
            if (released)
            {
                _coverageEnded = coverageEnded;
            }
        }

        sub.Ended = true;
        NotifyOutcome.Complete(sub.Waiters, NotifyOutcome.NotSent("the subscription ended"));
        sub.Waiters = null;
        if (sub.Expiry is { } expiry)
        {
            // Left queued, the hour-long expiry would hold the ended subscription until then.
            _deadlines.Cancel(expiry);
        }

        _byDialog.Remove(sub.Key);
        Connections?.Release(sub.Dialog.ConnectionId);
        foreach (var m in sub.Target.AllMailboxes())
        {
            if (!_byMailbox.TryGetValue(m, out var indexed))
            {
                continue;
            }

            if (indexed is HashSet<Subscription> set)
            {
                set.Remove(sub);
                if (set.Count == 0)
                {
                    _byMailbox.Remove(m);
                }
            }
            else if (ReferenceEquals(indexed, sub))
            {
                _byMailbox.Remove(m);
            }
        }

        if (released && !endedHere)
        {
            _writer?.Forget(RecordKind, sub.Key);
        }
        else
        {
            _writer?.Delete(RecordKind, sub.Key);
        }
    }

    /// <summary>The subscription of a dialog, looked up by its key (<see cref="SubscriptionDialog.KeyOf"/>) assembled on the
    /// stack: every in-dialog request looks its dialog up twice, and a key string each time was garbage per request.</summary>
    private bool TryGetDialogLocked(string callId, string localTag, string remoteTag, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Subscription? sub)
    {
        var length = callId.Length + localTag.Length + remoteTag.Length + 2;
        if (length > 512)
        {
            return _byDialog.TryGetValue(SubscriptionDialog.KeyOf(callId, localTag, remoteTag), out sub);
        }

        Span<char> key = stackalloc char[length];
        callId.CopyTo(key);
        key[callId.Length] = '\n';
        localTag.CopyTo(key[(callId.Length + 1)..]);
        key[callId.Length + 1 + localTag.Length] = '\n';
        remoteTag.CopyTo(key[(callId.Length + 2 + localTag.Length)..]);
        return _byDialogKey.TryGetValue(key, out sub);
    }

    private SubscribeDecision RefreshLocked(Subscription sub, int granted, string? newRemoteTarget, DateTimeOffset now)
    {
        // Hold NOTIFYs until the handler has sent the 200 (Activate): a send loop still finishing on another thread would
        // otherwise put the refresh's NOTIFY on the wire before the response.
        sub.Activated = false;
        if (newRemoteTarget is not null && newRemoteTarget != sub.Dialog.RemoteTarget)
        {
            sub.Dialog = sub.Dialog with { RemoteTarget = newRemoteTarget };
        }

        sub.MarkAllDirty();
        if (granted == 0)
        {
            sub.ExpiresAt = now;
            BeginTerminationLocked(sub, null);
            // The phone's unsubscribe: the handler answers once this delete is stored, and it ends the dialog wherever it is
            // owned now, so no node notifies it again (decision 0045).
            _writer?.Delete(RecordKind, sub.Key, unconditional: true);
        }
        else
        {
            SetExpiryLocked(sub, now.AddSeconds(granted), claim: true);
        }

        return new SubscribeDecision(SubscribeStatus.Accepted, sub, granted, 0, 0);
    }

    /// <param name="claim">A phone's request: the store record becomes this node's (cluster mode), rather than being
    /// updated only while this node owns it.</param>
    private void SetExpiryLocked(Subscription sub, DateTimeOffset expiresAt, bool claim)
    {
        sub.ExpiresAt = expiresAt;
        _deadlines.Set(sub.Expiry ??= new ScheduledDeadline(_onExpiryDue, sub), expiresAt);
        Persist(sub, claim);
    }

    private void OnExpiryDue(Subscription sub)
    {
        lock (_gate)
        {
            // A refresh after the timer took this deadline moved the expiry later and queued the deadline again: stale firing.
            if (sub.ExpiresAt > _time.GetUtcNow() || !BeginTerminationLocked(sub, "timeout"))
            {
                return;
            }
        }

        PhonesLog.SubscriptionExpired(_logger, sub.Dialog.CallId);
        Kick(sub);
    }

    private void Persist(Subscription sub, bool claim)
    {
        if (_writer is null)
        {
            return;
        }

        // Reserve CSeq values ahead so a restart (or a takeover by another node) continues above anything already sent
        // without a write per NOTIFY.
        sub.CSeqReserved = sub.CSeq + CSeqReservation;
        _writer.Put(RecordKind, sub.Key, sub, _serializeRecord, sub.ExpiresAt, onlyIfOwned: !claim, _onRecordStored);
    }

    /// <summary>A batch with the subscription's record committed: NOTIFYs may go up to the reservation it carried. A
    /// reservation that changed nothing found the record gone or another node's (an unsubscribe answered elsewhere, a move
    /// this node has not heard of yet, e.g. read back just before): the dialog is not this node's to notify.</summary>
    private void OnRecordStored(Subscription sub, bool applied)
    {
        lock (_gate)
        {
            if (!applied)
            {
                if (!sub.Terminating)
                {
                    RemoveLocked(sub, released: true);
                }
            }
            else if (sub.CSeqWriting > sub.CSeqStored)
            {
                sub.CSeqStored = sub.CSeqWriting;
            }
            else
            {
                return;
            }
        }

        if (applied)
        {
            Kick(sub);
        }
        else
        {
            PhonesLog.SubscriptionReleased(_logger, sub.Key);
        }
    }

    /// <summary>The stored form of a subscription, written by the writer when it writes: the values read under the lock (the
    /// dialog and target are immutable, replaced whole when they change), the JSON written outside it.</summary>
    private void SerializeRecord(object state, System.Text.Json.Utf8JsonWriter json)
    {
        var sub = (Subscription)state;
        SubscriptionDialog dialog;
        DateTimeOffset expiresAt;
        long cseq;
        lock (_gate)
        {
            dialog = sub.Dialog;
            expiresAt = sub.ExpiresAt;
            cseq = sub.CSeqReserved;
            sub.CSeqWriting = cseq;
        }

        StoredSubscription.Write(json, dialog, sub.Target, sub.BoundKey, sub.CreatedAt, expiresAt, cseq);
    }

    private string StateHeaderLocked(Subscription sub, bool final, DateTimeOffset now)
    {
        if (final)
        {
            return sub.TerminationReason is null ? "terminated" : "terminated;reason=" + sub.TerminationReason;
        }

        // Subscribers of a fan-out mostly share a handful of remaining times: reuse the last header text when it matches.
        var remaining = Math.Max(0, (long)Math.Ceiling((sub.ExpiresAt - now).TotalSeconds));
        if (remaining != _lastActiveRemaining || _lastActiveState is null)
        {
            _lastActiveRemaining = remaining;
            _lastActiveState = "active;expires=" + remaining.ToString(CultureInfo.InvariantCulture);
        }

        return _lastActiveState;
    }

    private List<(string Endpoint, MailboxId Mailbox)>? TakeCoverageEndedLocked()
    {
        var ended = _coverageEnded;
        _coverageEnded = null;
        return ended;
    }
}
