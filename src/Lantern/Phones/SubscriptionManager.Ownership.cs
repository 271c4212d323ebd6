using Lantern.Storage;

namespace Lantern.Phones;

/// <summary>Cluster ownership (decision 0023): subscriptions taken over from a dead node or moved here by the phone's own
/// request continue their dialog; those another node took are forgotten without a NOTIFY.</summary>
internal sealed partial class SubscriptionManager
{
    /// <summary>Adds subscriptions this node now owns (taken over or claimed) and sends each a NOTIFY with the current state in
    /// its dialog, CSeq above the stored reservation; returns how many were added.</summary>
    /// <param name="notify">False to hold the NOTIFY: the caller answers an in-dialog request first, which activates it.</param>
    public int Adopt(IReadOnlyList<StoredRecord> records, EndpointDirectory directory, bool notify)
    {
        ArgumentNullException.ThrowIfNull(records);
        var now = _time.GetUtcNow();
        var added = 0;
        List<Subscription>? ended = null;
        lock (_gate)
        {
            var restoredBefore = _restored.Count;
            var removedBefore = _restoredRemoved.Count;
            foreach (var record in records)
            {
                if (PhoneRecordWriter.MayAdopt(_writer, record, RecordKind) && RestoreLocked(record, directory, now, adopted: true))
                {
                    added++;
                }
            }

            if (!notify)
            {
                // Held like a refresh until the caller's 200 is sent; Activate then notifies it. Those of removed endpoints
                // get their final NOTIFY now.
                _restored.RemoveRange(restoredBefore, _restored.Count - restoredBefore);
                ended = _restoredRemoved.GetRange(removedBefore, _restoredRemoved.Count - removedBefore);
                _restoredRemoved.RemoveRange(removedBefore, ended.Count);
            }
        }

        foreach (var sub in ended ?? [])
        {
            Activate(sub);
        }

        if (added > 0)
        {
            PhonesLog.SubscriptionsAdopted(_logger, added);
            if (notify)
            {
                ResumeRestored();
            }
        }

        return added;
    }

    /// <summary>Forgets a subscription another node owns now: no NOTIFY, no store write; false when it was not here.</summary>
    public bool Release(string key)
    {
        lock (_gate)
        {
            if (!_byDialog.TryGetValue(key, out var sub))
            {
                return false;
            }

            RemoveLocked(sub, released: true);
        }

        PhonesLog.SubscriptionReleased(_logger, key);
        return true;
    }

    /// <summary>Forgets every subscription whose key is not in <paramref name="owned"/> (all of them when it is null): after
    /// missed ownership notifications, or when this node lost its lease.</summary>
    public int ReleaseAllExcept(IReadOnlySet<string>? owned)
    {
        var released = 0;
        lock (_gate)
        {
            foreach (var sub in _byDialog.Values.ToList())
            {
                if (owned is null || !owned.Contains(sub.Key))
                {
                    RemoveLocked(sub, released: true);
                    released++;
                }
            }
        }

        return released;
    }
}
