namespace Lantern.Phones;

/// <summary>The contact bindings of every endpoint (RFC 3261 §10.3): from REGISTER, from static configuration and from the API;
/// expiry, bounds, storage and restore.</summary>
/// <remarks>One short lock guards the tables; listeners are told outside it.</remarks>
internal sealed partial class Registrar : IDisposable
{
    internal const string RecordKind = "binding";

    private readonly PhonesSettings _settings;
    private readonly PhoneRecordWriter? _writer;
    private readonly TimeProvider _time;
    private readonly PhonesMetrics _metrics;
    private readonly ILogger _logger;
    private readonly DeadlineScheduler _deadlines;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<ContactBinding>> _byEndpoint = new(StringComparer.Ordinal);
    private readonly Dictionary<ContactBinding, ScheduledDeadline> _expiries = new(ReferenceEqualityComparer.Instance);
    private readonly Action<object?> _onExpiryDue;
    private int _dynamicCount;

    public Registrar(PhonesSettings settings, PhoneRecordWriter? writer, TimeProvider time, PhonesMetrics metrics, ILogger logger)
    {
        _settings = settings;
        _writer = writer;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _deadlines = new DeadlineScheduler(time);
        _onExpiryDue = b => OnExpiryDue((ContactBinding)b!);
    }

    /// <summary>Told about new, refreshed and removed bindings.</summary>
    public IContactBindingListener? Listener { get; set; }

    /// <summary>Keeps the connection a live binding was registered over open past the idle timeout; null counts nothing.</summary>
    public ConnectionUse? Connections { get; set; }

    /// <summary>Expiries queued: one per binding that expires.</summary>
    internal int ScheduledDeadlines => _deadlines.Count;

    /// <summary>REGISTER and API bindings (static ones excluded): what the registration bound counts.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _dynamicCount;
            }
        }
    }

    /// <summary>Applies a REGISTER: all of it or, on 423/400/503, none of it. Removed bindings are reported at once; created or
    /// refreshed ones only as awaiting their answer, until <see cref="Announce"/>.</summary>
    public RegisterOutcome Register(RegisterRequest request)
    {
        var endpointId = request.Endpoint.Id;
        var now = _time.GetUtcNow();
        if (request.Wildcard)
        {
            if (request.Contacts.Count > 0 || request.Expires != 0)
            {
                return new RegisterOutcome(RegisterStatus.BadRequest, [], "Contact * Needs Expires 0 Alone");
            }

            List<ContactBinding> removed;
            lock (_gate)
            {
                removed = RemoveWhereLocked(endpointId, b => b.Origin == BindingOrigin.Register);
            }

            Notify(removed, bound: null);
            return new RegisterOutcome(RegisterStatus.Ok, ContactsOf(endpointId));
        }

        var granted = new int[request.Contacts.Count];
        for (var i = 0; i < granted.Length; i++)
        {
            var c = request.Contacts[i];
            if (!IsAcceptableUri(c.Uri))
            {
                return new RegisterOutcome(RegisterStatus.BadRequest, [], "Invalid Contact URI");
            }

            var g = PhonesSettings.Negotiate(c.Expires ?? request.Expires, _settings.RegistrationMinExpires, _settings.RegistrationMaxExpires, _settings.RegistrationDefaultExpires);
            if (g is null)
            {
                return new RegisterOutcome(RegisterStatus.IntervalTooBrief, [], "Interval Too Brief", _settings.RegistrationMinExpires);
            }

            granted[i] = g.Value;
        }

        var removedBindings = new List<ContactBinding>();
        var boundBindings = new List<(ContactBinding Binding, bool IsNew)>();
        lock (_gate)
        {
            var list = ListLocked(endpointId);
            var adding = 0;
            for (var i = 0; i < granted.Length; i++)
            {
                var existing = FindLocked(list, request.Contacts[i].Uri);
                if (existing is not null && existing.Origin == BindingOrigin.Register && existing.CallId == request.CallId && existing.CSeq >= request.CSeq)
                {
                    return new RegisterOutcome(RegisterStatus.BadRequest, [], "Out Of Order CSeq");
                }

                if (existing is null && granted[i] > 0)
                {
                    adding++;
                }
            }

            var maxContacts = request.Endpoint.MaxContacts > 0 ? request.Endpoint.MaxContacts : _settings.MaxContactsPerEndpoint;
            if (adding > maxContacts)
            {
                // Replacing older contacts cannot help when the request alone names more than the endpoint may keep.
                return new RegisterOutcome(RegisterStatus.TooManyContacts, [], "Too Many Contacts (maxContacts " + maxContacts.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")");
            }

            if (adding > 0 && _dynamicCount + adding > _settings.MaxRegistrations)
            {
                PhonesLog.RegistrationTableFull(_logger, _settings.MaxRegistrations);
                _metrics.Overloaded("REGISTER");
                return new RegisterOutcome(RegisterStatus.Overloaded, [], "Registration Table Full", 0, _settings.RetryAfterSeconds);
            }

            for (var i = 0; i < granted.Length; i++)
            {
                var c = request.Contacts[i];
                var existing = FindLocked(list, c.Uri);
                if (granted[i] == 0)
                {
                    if (existing is not null && existing.Origin == BindingOrigin.Register)
                    {
                        RemoveLocked(list, existing);
                        removedBindings.Add(existing);
                    }

                    continue;
                }

                var binding = new ContactBinding(
                    endpointId,
                    c.Uri,
                    BindingOrigin.Register,
                    request.Path,
                    request.CallId,
                    request.CSeq,
                    existing?.Origin == BindingOrigin.Register ? existing.BoundAt : now,
                    now.AddSeconds(granted[i]),
                    request.Transport,
                    request.RemoteAddress,
                    request.RemotePort,
                    request.ConnectionId,
                    request.UserAgent);
                var isNew = existing is null || existing.Origin != BindingOrigin.Register;
                if (existing is not null)
                {
                    RemoveLocked(list, existing);
                }
                else
                {
                    EvictOldestIfFullLocked(list, removedBindings, maxContacts);
                }

                AddLocked(list, binding);
                boundBindings.Add((binding, isNew));
            }
        }

        Notify(removedBindings, bound: null);
        if (Listener is { } listener)
        {
            // A mailbox change in the moment between the unlock above and this call can still reach a new contact before its 200;
            // Announce sends it the current state again, so the lamp ends right either way.
            foreach (var (b, _) in boundBindings)
            {
                listener.OnAwaitingAnswer(b);
            }
        }

        return new RegisterOutcome(RegisterStatus.Ok, ContactsOf(endpointId), Bound: boundBindings);
    }

    /// <summary>Tells the listener about the bindings <paramref name="outcome"/> created or refreshed: call it once the REGISTER's
    /// <c>200</c> is sent. A binding a later REGISTER replaced or removed meanwhile is skipped: that one announces its own.</summary>
    public void Announce(RegisterOutcome outcome)
    {
        if (outcome.Bound is not { Count: > 0 } bound || Listener is not { } listener)
        {
            return;
        }

        foreach (var (b, isNew) in bound)
        {
            bool current;
            lock (_gate)
            {
                current = _byEndpoint.TryGetValue(b.EndpointId, out var list) && list.Contains(b);
            }

            if (current)
            {
                listener.OnBound(b, isNew);
            }
        }
    }

    /// <summary>The endpoint's current bindings of every origin, oldest first.</summary>
    public IReadOnlyList<ContactBinding> ContactsOf(string endpointId)
    {
        lock (_gate)
        {
            return _byEndpoint.TryGetValue(endpointId, out var list) ? [.. list] : [];
        }
    }

    /// <summary>Every binding, for status pages and start-up NOTIFYs.</summary>
    public List<ContactBinding> Snapshot()
    {
        lock (_gate)
        {
            var all = new List<ContactBinding>();
            foreach (var list in _byEndpoint.Values)
            {
                all.AddRange(list);
            }

            return all;
        }
    }

    public void Dispose() => _deadlines.Dispose();

    /// <summary>A contact URI Lantern can send to: <c>sip:</c> or <c>sips:</c>, bounded, printable, no spaces.</summary>
    internal static bool IsAcceptableUri(string uri)
    {
        if (uri.Length is < 5 or > 1024)
        {
            return false;
        }

        if (!uri.StartsWith("sip:", StringComparison.OrdinalIgnoreCase) && !uri.StartsWith("sips:", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (var c in uri)
        {
            if (c <= ' ' || c >= 0x7f || c is '<' or '>' or '"')
            {
                return false;
            }
        }

        return uri[(uri.IndexOf(':', StringComparison.Ordinal) + 1)..].Length > 0;
    }
}
