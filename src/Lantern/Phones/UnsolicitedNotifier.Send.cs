namespace Lantern.Phones;

/// <summary>The send loop of one contact: one NOTIFY in flight, the newest state of each waiting part next.</summary>
internal sealed partial class UnsolicitedNotifier
{
    private void Kick(ContactDelivery delivery)
    {
        lock (_gate)
        {
            if (delivery.InFlight || delivery.Removed || delivery.AwaitingAnswer || delivery.Dirty.Count == 0)
            {
                return;
            }

            delivery.InFlight = true;
        }

        Interlocked.Increment(ref _inFlight);
        _ = PumpAsync(delivery);
    }

    private async Task PumpAsync(ContactDelivery delivery)
    {
        try
        {
            while (true)
            {
                ContactBinding binding;
                MwiPart part;
                bool omitUrgent;
                List<TaskCompletionSource<NotifyOutcome>>? waiters;
                lock (_gate)
                {
                    waiters = delivery.Waiters;
                    delivery.Waiters = null;
                    if (!TryTakeLocked(delivery, out binding, out part, out omitUrgent))
                    {
                        delivery.InFlight = false;
                        NotifyOutcome.Complete(waiters, NotifyOutcome.NotSent("every mailbox is covered by a subscription, or the contact is gone"));
                        return;
                    }
                }

                var snapshot = MwiSnapshot.Of(part, omitUrgent, _settings.Domain, _mailboxes);
                NotifyOutcome outcome;
                try
                {
                    outcome = await _sender.SendUnsolicitedAsync(binding, snapshot, _stopping.Token);
                }
                catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
                {
                    NotifyOutcome.Complete(waiters, NotifyOutcome.NotSent("the server is stopping"));
                    return;
                }

                NotifyOutcome.Complete(waiters, outcome);

                lock (_gate)
                {
                    var now = _time.GetUtcNow();
                    if (outcome.Delivered)
                    {
                        delivery.LastSuccessAt = now;
                        delivery.LastFailed = false;
                    }
                    else
                    {
                        delivery.LastFailureAt = now;
                        delivery.LastFailure = outcome.ToString();
                        delivery.LastFailed = true;
                    }
                }

                if (outcome.Delivered)
                {
                    _metrics.NotifySent(inDialog: false);
                }
                else
                {
                    _metrics.NotifyFailed(inDialog: false);
                    PhonesLog.UnsolicitedFailed(_logger, binding.EndpointId, binding.Uri, outcome);
                }
            }
        }
#pragma warning disable CA1031 // Detached loop: a sender bug must cost this contact its NOTIFY, not the process.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            PhonesLog.UnsolicitedLoopFailed(_logger, delivery.Binding.Uri, ex);
            lock (_gate)
            {
                delivery.InFlight = false;
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private bool TryTakeLocked(ContactDelivery delivery, out ContactBinding binding, out MwiPart part, out bool omitUrgent)
    {
        binding = delivery.Binding;
        part = null!;
        omitUrgent = false;
        if (delivery.Removed || !_targets.TryGetValue(binding.EndpointId, out var target))
        {
            delivery.Dirty.Clear();
            return false;
        }

        if (delivery.AwaitingAnswer)
        {
            // Kept dirty: the announcement after the 200 kicks the loop again.
            return false;
        }

        var endpoint = _directory.Find(binding.EndpointId);
        while (delivery.Dirty.Count > 0)
        {
            var index = -1;
            foreach (var i in delivery.Dirty)
            {
                index = index < 0 || i < index ? i : index;
            }

            delivery.Dirty.Remove(index);
            if (index >= target.Parts.Count)
            {
                continue;
            }

            part = target.Parts[index];
            if (endpoint is not null && endpoint.SubscribeReplacesUnsolicited && AllCovered(endpoint.Id, part))
            {
                continue;
            }

            omitUrgent = target.OmitUrgent;
            return true;
        }

        return false;
    }

    private bool AllCovered(string endpointId, MwiPart part)
    {
        foreach (var m in part.Mailboxes)
        {
            if (!_isCovered(endpointId, m))
            {
                return false;
            }
        }

        return part.Mailboxes.Count > 0;
    }
}
