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
            if (!TryTakeSlotLocked(sub))
            {
                return;
            }
        }

        Interlocked.Increment(ref _pumpsRunning);
        _ = PumpAsync(sub);
    }

    /// <summary>Gives <paramref name="sub"/> (whose loop is claimed) one of the in-flight slots, or queues it for the next free one.</summary>
    /// <remarks>Without a window a change to a mailbox with 100,000 subscribers put 100,000 NOTIFYs on the wire within a second
    /// or two: the receivers' buffers overflowed, and the retransmissions of the dropped ones, and their answers, cost more
    /// than the fan-out itself (docs/performance.md, "Fan-out to 100,000").</remarks>
    private bool TryTakeSlotLocked(Subscription sub)
    {
        if (_slotsInUse < _settings.MaxNotifiesInFlight)
        {
            _slotsInUse++;
            sub.HoldsSlot = true;
            return true;
        }

        _waitingForSlot.Enqueue(sub);
        return false;
    }

    /// <summary>Passes the slot <paramref name="sub"/> holds to the first waiting subscription, which the caller then runs; null
    /// (and the slot freed) when none waits.</summary>
    private Subscription? HandOnSlotLocked(Subscription sub)
    {
        sub.HoldsSlot = false;
        if (_waitingForSlot.TryDequeue(out var next))
        {
            next.HoldsSlot = true;
            return next;
        }

        _slotsInUse--;
        return null;
    }

    /// <summary>A NOTIFY is still unanswered after the hold time: its slot goes to the next waiting subscription, so a few
    /// dead phones (each unanswered until Timer F, 32 s) cannot stall a fan-out. Its loop asks for a slot again when it ends.</summary>
    private void OnSlotOverdue(Subscription sub)
    {
        Subscription? next;
        lock (_gate)
        {
            if (!sub.HoldsSlot || _stopping.IsCancellationRequested)
            {
                return;
            }

            next = HandOnSlotLocked(sub);
        }

        if (next is not null)
        {
            Interlocked.Increment(ref _pumpsRunning);
            _ = PumpAsync(next);
        }
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

    /// <summary>Sends the NOTIFYs of <paramref name="first"/>, which holds a slot, then of each subscription the slot passes to.</summary>
    private async Task PumpAsync(Subscription first)
    {
        var sub = first;
        try
        {
            while (sub is not null)
            {
                try
                {
                    NotifyJob job;
                    var more = true;
                    lock (_gate)
                    {
                        if (!TryBeginLocked(sub, out job))
                        {
                            sub.InFlight = false;
                            more = false;
                        }
                    }

                    while (more)
                    {
                        // Read the state after taking the job: whatever changed before this line is in this NOTIFY.
                        var snapshot = _snapshots.Get(job.Part, sub.Target.OmitUrgent);
                        _deadlines.Set(sub.SlotRelease ??= new ScheduledDeadline(_onSlotOverdue, sub), _time.GetUtcNow() + _settings.NotifySlotHold);
                        // No cancellation token: registering one per NOTIFY cost a promise and a registration under the token's lock each,
                        // visible in fan-out profiles. A NOTIFY in flight at stop ends when the stack stops (or at Timer F); its outcome
                        // is then dropped, as stopping is not a removal and the store must not see it.
                        var outcome = await _sender.SendInDialogAsync(job.Dialog, job.CSeq, job.State, snapshot, CancellationToken.None);
                        _deadlines.Cancel(sub.SlotRelease);
                        NotifyOutcome.Complete(job.Waiters, outcome);
                        if (_stopping.IsCancellationRequested)
                        {
                            lock (_gate)
                            {
                                sub.InFlight = false;
                            }

                            return;
                        }

                        more = Apply(sub, outcome, snapshot, job.Final, out job);
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

                lock (_gate)
                {
                    // A loop whose slot was taken after the hold time has nothing to pass on.
                    sub = sub.HoldsSlot ? HandOnSlotLocked(sub) : null;
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _pumpsRunning);
        }
    }

    /// <summary>Takes the next NOTIFY of a subscription whose loop runs: CSeq, state header, and the part to report.</summary>
    private bool TryBeginLocked(Subscription sub, out NotifyJob job)
    {
        if (_writer is not null && !sub.Terminating && sub.CSeq >= sub.CSeqStored)
        {
            // Quiet until a reservation above the next CSeq is committed (OnRecordStored kicks it then): an adopted dialog
            // whose new reservation is not stored yet, or a store lagging 50 NOTIFYs behind. The final NOTIFY is not held:
            // the record's delete follows it.
            job = default;
            return false;
        }

        if (!TryTakeJobLocked(sub, out var part, out var final))
        {
            job = default;
            return false;
        }

        var now = _time.GetUtcNow();
        sub.CSeq++;
        // Renewed half-way, so the new reservation is committed before the old one runs out: a node taking over after a
        // kill -9 continues above every CSeq sent.
        if (!final && _writer is not null && sub.CSeq >= sub.CSeqReserved - (CSeqReservation / 2))
        {
            Persist(sub, claim: false);
        }

        if (!final && _settings.MinNotifyInterval > TimeSpan.Zero)
        {
            sub.NextAllowedAt = now + _settings.MinNotifyInterval;
        }

        job = new NotifyJob(sub.Dialog, sub.CSeq, StateHeaderLocked(sub, final, now), part, final, sub.Waiters);
        sub.Waiters = null;
        return true;
    }

    /// <summary>Records the outcome and, in the same lock, takes the next job; false when the loop must stop (nothing left, or
    /// the subscription ended).</summary>
    private bool Apply(Subscription sub, NotifyOutcome outcome, MwiSnapshot snapshot, bool final, out NotifyJob next)
    {
        var ended = final || outcome.EndsSubscription;
        var more = false;
        next = default;
        lock (_gate)
        {
            sub.LastNotifyAt = _time.GetUtcNow();
            sub.LastOutcome = outcome;
            if (outcome.Delivered)
            {
                sub.LastVersion = snapshot.Version;
            }

            if (ended)
            {
                sub.InFlight = false;
                RemoveLocked(sub);
            }
            else if (!sub.HoldsSlot && (sub.Terminating || sub.AnyDirty()) && !TryTakeSlotLocked(sub))
            {
                // Its slot went to another while this NOTIFY was overdue, and none is free: it waits in line, still claimed.
            }
            else
            {
                more = TryBeginLocked(sub, out next);
                if (!more)
                {
                    sub.InFlight = false;
                }
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

        return more;
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
                ScheduleDeferredKickLocked(sub);
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

    // Its own method: a lambda capturing a parameter makes the compiler allocate the closure at the top of the method that
    // holds it, i.e. on every NOTIFY taken, not only when a kick is deferred.
    private void ScheduleDeferredKickLocked(Subscription sub)
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

    /// <summary>One NOTIFY to send, taken under the lock and sent outside it.</summary>
    private readonly record struct NotifyJob(SubscriptionDialog Dialog, long CSeq, string State, MwiPart Part, bool Final, List<TaskCompletionSource<NotifyOutcome>>? Waiters);

    /// <summary>Marks every part of each live subscription of the endpoint for a NOTIFY now (the minimum interval does not
    /// apply to an operator's request) and returns a task per subscription completing with that NOTIFY's outcome.</summary>
    public List<(Subscription Subscription, Task<NotifyOutcome> Outcome)> NotifyNow(string endpointId)
    {
        var result = new List<(Subscription, Task<NotifyOutcome>)>();
        lock (_gate)
        {
            foreach (var sub in _byDialog.Values)
            {
                if (!string.Equals(sub.Target.EndpointId, endpointId, StringComparison.Ordinal) || sub.Ended || sub.Terminating)
                {
                    continue;
                }

                if (!sub.Activated)
                {
                    result.Add((sub, Task.FromResult(NotifyOutcome.NotSent("the subscription is not active yet"))));
                    continue;
                }

                var waiter = new TaskCompletionSource<NotifyOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
                (sub.Waiters ??= []).Add(waiter);
                sub.MarkAllDirty();
                sub.NextAllowedAt = default;
                result.Add((sub, waiter.Task));
            }
        }

        foreach (var (sub, _) in result)
        {
            Kick(sub);
        }

        return result;
    }
}
