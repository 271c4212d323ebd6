using Lantern.Storage;

namespace Lantern.Phones;

/// <summary>Resuming stored subscriptions after a restart.</summary>
internal sealed partial class SubscriptionManager
{
    /// <summary>Loads live subscriptions from the store into the tables (in-dialog requests find them at once); NOTIFYs wait for
    /// <see cref="ResumeRestored"/>.</summary>
    public async Task<int> RestoreAsync(IRecordStore store, EndpointDirectory directory, CancellationToken cancellationToken)
    {
        var records = await store.LoadAllAsync(RecordKind, cancellationToken);
        var now = _time.GetUtcNow();
        var restored = _restored;
        var removed = _restoredRemoved;
        int before;
        lock (_gate)
        {
            before = restored.Count;
            foreach (var record in records)
            {
                RestoreLocked(record, directory, now, adopted: false);
            }
        }

        PhonesLog.SubscriptionsRestored(_logger, restored.Count - before, removed.Count);
        return restored.Count - before;
    }

    /// <summary>Puts one stored subscription into the tables, to be notified by <see cref="ResumeRestored"/> (a final
    /// <c>deactivated</c> when its endpoint is gone); false when it was unusable, expired or is here already.</summary>
    /// <param name="adopted">Taken over from another node or moved here by the phone: the dialog advertises this node's
    /// Contact from now on (<see cref="AdoptedContact"/>), the route set staying as it is.</param>
    private bool RestoreLocked(StoredRecord record, EndpointDirectory directory, DateTimeOffset now, bool adopted)
    {
        _writer?.MarkStored(record);
        var stored = StoredSubscription.FromJson(record.Json);
        if (stored is null || !stored.TryRestore(out var dialog, out var target))
        {
            PhonesLog.StoredRecordSkipped(_logger, RecordKind);
            _writer?.Delete(RecordKind, record.Key);
            return false;
        }

        if (_byDialog.ContainsKey(dialog.Key))
        {
            return false;
        }

        if (adopted && AdoptedContact?.Invoke(dialog) is { } own)
        {
            // The node that created the dialog may be dead: the phone's next in-dialog request must find this one, and the
            // NOTIFYs' Contact updates its remote target (RFC 6665 makes NOTIFY a target refresh request).
            dialog = dialog with { LocalContact = own };
        }

        if (stored.ExpiresAt <= now)
        {
            _writer?.Delete(RecordKind, dialog.Key);
            return false;
        }

        var sub = new Subscription(++_nextId, _strings.Share(dialog), target, stored.BoundKey, stored.CreatedAt)
        {
            CSeq = stored.CSeq,
            CSeqStored = stored.CSeq,
        };
        AddLocked(sub);
        sub.MarkAllDirty();
        SetExpiryLocked(sub, stored.ExpiresAt, claim: false);
        if (target.EndpointId is not null && directory.Find(target.EndpointId) is null)
        {
            BeginTerminationLocked(sub, "deactivated");
            _restoredRemoved.Add(sub);
        }
        else
        {
            _restored.Add(sub);
        }

        return true;
    }

    /// <summary>Sends every restored subscription a NOTIFY with the current state (spread at
    /// <see cref="PhonesSettings.RestoreNotifiesPerSecond"/>), those of removed endpoints a final <c>deactivated</c> one.
    /// Call once the transports run.</summary>
    public void ResumeRestored()
    {
        List<Subscription> restored;
        List<Subscription> removed;
        lock (_gate)
        {
            restored = [.. _restored];
            removed = [.. _restoredRemoved];
            _restored.Clear();
            _restoredRemoved.Clear();
        }

        foreach (var sub in removed)
        {
            Activate(sub);
        }

        var now = _time.GetUtcNow();
        var perSecond = Math.Max(1, _settings.RestoreNotifiesPerSecond);
        for (var i = 0; i < restored.Count; i++)
        {
            var sub = restored[i];
            if (i < perSecond)
            {
                Activate(sub);
            }
            else
            {
                _deadlines.Schedule(now.AddSeconds(i / perSecond), () => Activate(sub));
            }
        }
    }
}
