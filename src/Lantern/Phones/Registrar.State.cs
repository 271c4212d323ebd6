using Lantern.Storage;

namespace Lantern.Phones;

/// <summary>Table maintenance, expiry, static/API contacts and restore.</summary>
internal sealed partial class Registrar
{
    /// <summary>Replaces the static contacts from a (new) configuration and drops every binding of removed endpoints.</summary>
    public void ApplyDirectory(EndpointDirectory directory)
    {
        var removed = new List<ContactBinding>();
        var bound = new List<(ContactBinding, bool)>();
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            foreach (var endpointId in _byEndpoint.Keys.ToList())
            {
                if (directory.Find(endpointId) is null)
                {
                    removed.AddRange(RemoveWhereLocked(endpointId, _ => true));
                }
            }

            foreach (var e in directory.Endpoints)
            {
                var list = ListLocked(e.Id);
                foreach (var old in list.Where(b => b.Origin == BindingOrigin.Static && !e.StaticContacts.Contains(b.Uri)).ToList())
                {
                    RemoveLocked(list, old);
                    removed.Add(old);
                }

                foreach (var uri in e.StaticContacts)
                {
                    if (FindLocked(list, uri) is null && IsAcceptableUri(uri))
                    {
                        var b = new ContactBinding(e.Id, uri, BindingOrigin.Static, [], null, 0, now, null);
                        AddLocked(list, b);
                        bound.Add((b, true));
                    }
                }

                if (list.Count == 0)
                {
                    _byEndpoint.Remove(e.Id);
                }
            }
        }

        Notify(removed, bound);
    }

    /// <summary>Replaces the endpoint's API contacts (PUT semantics); contacts registered by REGISTER or static ones are left alone.
    /// Null error on success.</summary>
    public string? SetApiContacts(string endpointId, IReadOnlyList<(string Uri, int? ExpiresSeconds)> contacts)
    {
        for (var i = 0; i < contacts.Count; i++)
        {
            if (!IsAcceptableUri(contacts[i].Uri))
            {
                return $"contacts[{i}].uri: \"{contacts[i].Uri}\" is not a sip: or sips: URI";
            }

            if (contacts[i].ExpiresSeconds is <= 0)
            {
                return $"contacts[{i}].expires: must be greater than 0 (omit it for a contact that does not expire)";
            }
        }

        var now = _time.GetUtcNow();
        var removed = new List<ContactBinding>();
        var bound = new List<(ContactBinding, bool)>();
        lock (_gate)
        {
            var list = ListLocked(endpointId);
            var added = 0;
            foreach (var (uri, _) in contacts)
            {
                if (FindLocked(list, uri) is null)
                {
                    added++;
                }
            }

            if (_dynamicCount + added > _settings.MaxRegistrations)
            {
                return "the registration table is full";
            }

            var wanted = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (uri, expires) in contacts)
            {
                if (!wanted.Add(uri))
                {
                    continue;
                }

                var existing = FindLocked(list, uri);
                if (existing is { Origin: BindingOrigin.Static })
                {
                    continue;
                }

                var b = new ContactBinding(endpointId, uri, BindingOrigin.Api, [], null, 0, existing?.BoundAt ?? now, expires is { } s ? now.AddSeconds(s) : null);
                if (existing is not null)
                {
                    RemoveLocked(list, existing);
                }

                AddLocked(list, b);
                bound.Add((b, existing is null));
            }

            foreach (var old in list.Where(b => b.Origin == BindingOrigin.Api && !wanted.Contains(b.Uri)).ToList())
            {
                RemoveLocked(list, old);
                removed.Add(old);
            }

            if (list.Count == 0)
            {
                _byEndpoint.Remove(endpointId);
            }
        }

        Notify(removed, bound);
        return null;
    }

    /// <summary>Loads stored bindings of endpoints that still exist; expired ones and those of removed endpoints are deleted.</summary>
    public async Task<int> RestoreAsync(IRecordStore store, EndpointDirectory directory, CancellationToken cancellationToken)
    {
        var records = await store.LoadAllAsync(RecordKind, cancellationToken);
        var now = _time.GetUtcNow();
        var restored = 0;
        lock (_gate)
        {
            foreach (var record in records)
            {
                if (RestoreLocked(record, directory, now) is not null)
                {
                    restored++;
                }
            }
        }

        return restored;
    }

    /// <summary>Adds bindings this node now owns (taken over from a dead node): unsolicited NOTIFY to their contacts moves
    /// here, starting with one carrying the current state.</summary>
    public int Adopt(IReadOnlyList<StoredRecord> records, EndpointDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(records);
        var now = _time.GetUtcNow();
        var bound = new List<(ContactBinding, bool)>();
        lock (_gate)
        {
            foreach (var record in records)
            {
                if (PhoneRecordWriter.MayAdopt(_writer, record, RecordKind) && RestoreLocked(record, directory, now) is { } binding)
                {
                    bound.Add((binding, true));
                }
            }
        }

        if (bound.Count > 0)
        {
            PhonesLog.BindingsAdopted(_logger, bound.Count);
            Notify([], bound);
        }

        return bound.Count;
    }

    /// <summary>Forgets a binding another node owns now (the phone registered there): no store write, and no more unsolicited
    /// NOTIFY from this node; false when it was not here.</summary>
    public bool Release(string key)
    {
        ContactBinding? released = null;
        lock (_gate)
        {
            foreach (var list in _byEndpoint.Values)
            {
                foreach (var b in list)
                {
                    if (b.Origin != BindingOrigin.Static && b.Key == key)
                    {
                        released = b;
                        break;
                    }
                }

                if (released is not null)
                {
                    list.Remove(released);
                    _dynamicCount--;
                    if (list.Count == 0)
                    {
                        _byEndpoint.Remove(released.EndpointId);
                    }

                    break;
                }
            }
        }

        if (released is null)
        {
            return false;
        }

        _writer?.Forget(RecordKind, key);
        Listener?.OnUnbound(released);
        return true;
    }

    /// <summary>Forgets every stored binding whose key is not in <paramref name="owned"/> (all when it is null).</summary>
    public int ReleaseAllExcept(IReadOnlySet<string>? owned)
    {
        var keys = new List<string>();
        lock (_gate)
        {
            foreach (var list in _byEndpoint.Values)
            {
                foreach (var b in list)
                {
                    if (b.Origin != BindingOrigin.Static && (owned is null || !owned.Contains(b.Key)))
                    {
                        keys.Add(b.Key);
                    }
                }
            }
        }

        foreach (var key in keys)
        {
            Release(key);
        }

        return keys.Count;
    }

    /// <summary>Puts one stored binding into the tables; null when it was unusable, expired, of a removed endpoint or here already.</summary>
    private ContactBinding? RestoreLocked(StoredRecord record, EndpointDirectory directory, DateTimeOffset now)
    {
        _writer?.MarkStored(record);
        var stored = StoredBinding.FromJson(record.Json);
        if (stored is null)
        {
            PhonesLog.StoredRecordSkipped(_logger, RecordKind);
            _writer?.Delete(RecordKind, record.Key);
            return null;
        }

        var binding = stored.ToBinding();
        if ((binding.ExpiresAt is { } e && e <= now) || directory.Find(binding.EndpointId) is null || binding.Origin == BindingOrigin.Static)
        {
            _writer?.Delete(RecordKind, binding.Key);
            return null;
        }

        var list = ListLocked(binding.EndpointId);
        if (FindLocked(list, binding.Uri) is not null)
        {
            return null;
        }

        AddLocked(list, binding, claim: false);
        return binding;
    }

    private List<ContactBinding> ListLocked(string endpointId)
    {
        if (!_byEndpoint.TryGetValue(endpointId, out var list))
        {
            list = [];
            _byEndpoint.Add(endpointId, list);
        }

        return list;
    }

    private static ContactBinding? FindLocked(List<ContactBinding> list, string uri)
    {
        foreach (var b in list)
        {
            if (b.Uri == uri)
            {
                return b;
            }
        }

        return null;
    }

    /// <param name="claim">False for a binding read from the store: rewritten only while this node owns it.</param>
    private void AddLocked(List<ContactBinding> list, ContactBinding binding, bool claim = true)
    {
        list.Add(binding);
        Connections?.Acquire(binding.ConnectionId);
        if (binding.Origin != BindingOrigin.Static)
        {
            _dynamicCount++;
            _writer?.Put(RecordKind, binding.Key, StoredBinding.From(binding).ToJson(), binding.ExpiresAt, onlyIfOwned: !claim);
        }

        if (binding.ExpiresAt is { } expiresAt)
        {
            var expiry = new ScheduledDeadline(_onExpiryDue, binding);
            _expiries[binding] = expiry;
            _deadlines.Set(expiry, expiresAt);
        }
    }

    private void RemoveLocked(List<ContactBinding> list, ContactBinding binding)
    {
        // The stored instance, not an equal record: its expiry is found by reference.
        var index = list.IndexOf(binding);
        if (index < 0)
        {
            return;
        }

        binding = list[index];
        list.RemoveAt(index);
        if (_expiries.Remove(binding, out var expiry))
        {
            // Left queued, a replaced or removed binding would stay in memory until its old expiry (an hour by default).
            _deadlines.Cancel(expiry);
        }

        Connections?.Release(binding.ConnectionId);
        if (binding.Origin != BindingOrigin.Static)
        {
            _dynamicCount--;
            _writer?.Delete(RecordKind, binding.Key);
        }
    }

    private List<ContactBinding> RemoveWhereLocked(string endpointId, Func<ContactBinding, bool> match)
    {
        var removed = new List<ContactBinding>();
        if (!_byEndpoint.TryGetValue(endpointId, out var list))
        {
            return removed;
        }

        foreach (var b in list.Where(match).ToList())
        {
            RemoveLocked(list, b);
            removed.Add(b);
        }

        if (list.Count == 0)
        {
            _byEndpoint.Remove(endpointId);
        }

        return removed;
    }

    /// <summary>Makes room for one more registered contact by dropping the endpoint's oldest registered one.</summary>
    private void EvictOldestIfFullLocked(List<ContactBinding> list, List<ContactBinding> removed, int maxContacts)
    {
        var registered = 0;
        ContactBinding? oldest = null;
        foreach (var b in list)
        {
            if (b.Origin == BindingOrigin.Register)
            {
                registered++;
                if (oldest is null || b.BoundAt < oldest.BoundAt)
                {
                    oldest = b;
                }
            }
        }

        if (registered >= maxContacts && oldest is not null)
        {
            RemoveLocked(list, oldest);
            removed.Add(oldest);
        }
    }

    private void OnExpiryDue(ContactBinding binding)
    {
        lock (_gate)
        {
            // Only this exact binding: a re-REGISTER replaced the instance and scheduled its own expiry.
            if (!_byEndpoint.TryGetValue(binding.EndpointId, out var list) || !list.Contains(binding))
            {
                return;
            }

            RemoveLocked(list, binding);
            if (list.Count == 0)
            {
                _byEndpoint.Remove(binding.EndpointId);
            }
        }

        PhonesLog.BindingExpired(_logger, binding.EndpointId, binding.Uri);
        Listener?.OnUnbound(binding);
    }

    private void Notify(List<ContactBinding> removed, List<(ContactBinding Binding, bool IsNew)>? bound)
    {
        if (Listener is not { } listener)
        {
            return;
        }

        foreach (var b in removed)
        {
            listener.OnUnbound(b);
        }

        if (bound is not null)
        {
            foreach (var (b, isNew) in bound)
            {
                listener.OnBound(b, isNew);
            }
        }
    }
}
