namespace Lantern.Phones;

/// <summary>The NOTIFY loop of one subscription: at most one in flight, newest state next, the final NOTIFY last.</summary>
internal sealed partial class SubscriptionManager
{
    /// <summary>Starts the subscription's send loop unless one runs already or there is nothing to send.</summary>
    private void Kick(Subscription sub)
    {
        RaiseCoverageEnded();
        lock (_gate)
        {
            if (sub.InFlight || sub.Ended || !sub.Activated || (!sub.Terminating && !sub.AnyDirty()))
            {
                return;
            }

            sub.InFlight = true;
        }

        Interlocked.Increment(ref _pumpsRunning);
        _ = PumpAsync(sub);
    }

    private void RaiseCoverageEnded()
    {
        List<(string Endpoint, Lantern.Mailboxes.MailboxId Mailbox)>? ended;
        lock (_gate)
        {
            ended = TakeCoverageEndedLocked();
        }

        if (ended is null || CoverageEnded is not { } callback)
        {
            return;
        }

        foreach (var (endpoint, mailbox) in ended)
        {
            callback(endpoint, mailbox);
        }
    }

    private async Task PumpAsync(Subscription sub)
    {
        try
        {
            while (true)
            {
                SubscriptionDialog dialog;
                long cseq;
                string state;
                MwiPart part;
                bool final;
                lock (_gate)
                {
                    if (!TryTakeJobLocked(sub, out part, out final))
                    {
                        sub.InFlight = false;
                        return;
                    }

                    var now = _time.GetUtcNow();
                    sub.CSeq++;
                    if (!final && _writer is not null && sub.CSeq >= sub.CSeqReserved)
                    {
                        Persist(sub);
                    }

                    dialog = sub.Dialog;
                    cseq = sub.CSeq;
                    state = StateHeader(sub, final, now);
                    if (!final && _settings.MinNotifyInterval > TimeSpan.Zero)
                    {
                        sub.NextAllowedAt = now + _settings.MinNotifyInterval;
                    }
                }

                // Read the state after taking the job: whatever changed before this line is in this NOTIFY.
                var snapshot = MwiSnapshot.Of(part, sub.Target.OmitUrgent, _settings.Domain, _mailboxes);
                NotifyOutcome outcome;
                try
                {
                    outcome = await _sender.SendInDialogAsync(dialog, cseq, state, snapshot, _stopping.Token);
                }
                catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
                {
                    lock (_gate)
                    {
                        sub.InFlight = false;
                    }

                    return;
                }

                if (!Apply(sub, outcome, snapshot, final))
                {
                    return;
                }
            }
        }
#pragma warning disable CA1031 // The loop runs detached: a bug in a sender must end this subscription, not the process.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            PhonesLog.NotifyLoopFailed(_logger, sub.Dialog.CallId, ex);
            lock (_gate)
            {
                sub.InFlight = false;
                RemoveLocked(sub);
            }

            RaiseCoverageEnded();
        }
        finally
        {
            Interlocked.Decrement(ref _pumpsRunning);
        }
    }

    /// <summary>Records the outcome; false when the loop must stop (subscription ended).</summary>
    private bool Apply(Subscription sub, NotifyOutcome outcome, MwiSnapshot snapshot, bool final)
    {
        var ended = final || outcome.EndsSubscription;
        lock (_gate)
        {
            sub.LastNotifyAt = _time.GetUtcNow();
            sub.LastResult = outcome.ToString();
            if (outcome.Delivered)
            {
                sub.LastVersion = snapshot.Version;
            }

            if (ended)
            {
                sub.InFlight = false;
                RemoveLocked(sub);
            }
        }

        if (outcome.Delivered)
        {
            _metrics.NotifySent(inDialog: true);
        }
        else
        {
            _metrics.NotifyFailed(inDialog: true);
            PhonesLog.NotifyFailed(_logger, sub.Dialog.CallId, outcome, outcome.EndsSubscription);
        }

        if (ended)
        {
            RaiseCoverageEnded();
        }

        return !ended;
    }

    private bool TryTakeJobLocked(Subscription sub, out MwiPart part, out bool final)
    {
        final = false;
        part = sub.Target.Parts[0];
        if (sub.Ended || !sub.Activated)
        {
            return false;
        }

        if (sub.Terminating)
        {
            // The final NOTIFY carries the first dirty part's state (or the first part), never delayed.
            for (var i = 0; i < sub.Dirty.Length; i++)
            {
                if (sub.Dirty[i])
                {
                    part = sub.Target.Parts[i];
                    break;
                }
            }

            final = true;
            return true;
        }

        var now = _time.GetUtcNow();
        if (now < sub.NextAllowedAt)
        {
            if (sub.AnyDirty() && !sub.DeferredKickScheduled)
            {
                sub.DeferredKickScheduled = true;
                _deadlines.Schedule(sub.NextAllowedAt, () =>
                {
                    lock (_gate)
                    {
                        sub.DeferredKickScheduled = false;
                    }

                    Kick(sub);
                });
            }

            return false;
        }

        for (var i = 0; i < sub.Dirty.Length; i++)
        {
            if (sub.Dirty[i])
            {
                sub.Dirty[i] = false;
                part = sub.Target.Parts[i];
                return true;
            }
        }

        return false;
    }
}
