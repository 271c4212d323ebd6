using System.Globalization;
using Lantern.Status;

namespace Lantern.Phones;

/// <summary>The phones layer's read model and API contact writer, as the REST API and CLI consume them.</summary>
internal sealed class PhonesStatus : IEndpointStatusReader, IEndpointContactWriter, IEndpointNotifier
{
    /// <summary>Longest wait for the outcomes: a non-INVITE transaction ends by Timer F (32 s with the default T1).</summary>
    private static readonly TimeSpan NotifyWait = TimeSpan.FromSeconds(40);

    private readonly Func<EndpointDirectory> _directory;
    private readonly Registrar _registrar;
    private readonly SubscriptionManager _subscriptions;
    private readonly UnsolicitedNotifier _unsolicited;

    public PhonesStatus(Func<EndpointDirectory> directory, Registrar registrar, SubscriptionManager subscriptions, UnsolicitedNotifier unsolicited)
    {
        _directory = directory;
        _registrar = registrar;
        _subscriptions = subscriptions;
        _unsolicited = unsolicited;
    }

    public IReadOnlyList<EndpointStatus> ListEndpoints()
    {
        var subs = _subscriptions.Snapshot();
        var result = new List<EndpointStatus>();
        foreach (var e in _directory().Endpoints.OrderBy(e => e.Id, StringComparer.Ordinal))
        {
            result.Add(Describe(e, subs));
        }

        return result;
    }

    public EndpointStatus? FindEndpoint(string id)
    {
        var e = _directory().Find(id);
        return e is null ? null : Describe(e, _subscriptions.Snapshot());
    }

    public IReadOnlyList<SubscriptionStatus> ListSubscriptions()
    {
        var subs = _subscriptions.Snapshot();
        subs.Sort((a, b) =>
        {
            var c = string.CompareOrdinal(a.Target.EndpointId, b.Target.EndpointId);
            return c != 0 ? c : a.Id.CompareTo(b.Id);
        });
        return subs.ConvertAll(Describe);
    }

    public IReadOnlyList<RegistrationStatus> ListRegistrations()
    {
        var all = _registrar.Snapshot();
        all.Sort((a, b) =>
        {
            var c = string.CompareOrdinal(a.EndpointId, b.EndpointId);
            return c != 0 ? c : string.CompareOrdinal(a.Uri, b.Uri);
        });
        return all.ConvertAll(Describe);
    }

    public async ValueTask<EndpointNotifyResult> NotifyNowAsync(string endpointId, CancellationToken cancellationToken)
    {
        if (_directory().Find(endpointId) is null)
        {
            return new EndpointNotifyResult(false, $"endpoint \"{endpointId}\" is not configured", []);
        }

        var pending = new List<(string Kind, string Target, Task<NotifyOutcome> Outcome)>();
        foreach (var (sub, outcome) in _subscriptions.NotifyNow(endpointId))
        {
            pending.Add(("subscription", sub.Dialog.CallId, outcome));
        }

        foreach (var (contact, outcome) in _unsolicited.NotifyNow(endpointId))
        {
            pending.Add(("contact", contact.Uri, outcome));
        }

        var outcomes = new List<EndpointNotifyOutcome>(pending.Count);
        foreach (var (kind, target, task) in pending)
        {
            string text;
            var delivered = false;
            try
            {
                var outcome = await task.WaitAsync(NotifyWait, cancellationToken).ConfigureAwait(false);
                text = outcome.ToString();
                delivered = outcome.Delivered;
            }
            catch (TimeoutException)
            {
                text = "no outcome yet (still in flight)";
            }

            outcomes.Add(new EndpointNotifyOutcome(kind, target, delivered, text));
        }

        return new EndpointNotifyResult(true, string.Empty, outcomes);
    }

    public ValueTask<EndpointContactsResult> SetContactsAsync(string endpointId, IReadOnlyList<EndpointContactInput> contacts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contacts);
        if (_directory().Find(endpointId) is null)
        {
            return ValueTask.FromResult(new EndpointContactsResult(EndpointContactsStatus.NotFound, $"endpoint \"{endpointId}\" is not configured", []));
        }

        var list = new List<(string, int?)>(contacts.Count);
        foreach (var c in contacts)
        {
            list.Add((c?.Uri ?? string.Empty, c?.ExpiresSeconds));
        }

        var error = _registrar.SetApiContacts(endpointId, list);
        if (error is not null)
        {
            var status = error.Contains("full", StringComparison.Ordinal) ? EndpointContactsStatus.Full : EndpointContactsStatus.Invalid;
            return ValueTask.FromResult(new EndpointContactsResult(status, error, []));
        }

        var now = new List<RegistrationStatus>();
        foreach (var b in _registrar.ContactsOf(endpointId))
        {
            now.Add(Describe(b));
        }

        return ValueTask.FromResult(new EndpointContactsResult(EndpointContactsStatus.Ok, string.Empty, now));
    }

    private EndpointStatus Describe(PhoneEndpoint e, List<Subscription> subs)
    {
        var contacts = new List<RegistrationStatus>();
        foreach (var b in _registrar.ContactsOf(e.Id))
        {
            contacts.Add(Describe(b));
        }

        var own = new List<SubscriptionStatus>();
        foreach (var s in subs)
        {
            if (s.Target.EndpointId == e.Id)
            {
                own.Add(Describe(s));
            }
        }

        var mailboxes = new List<string>(e.Mailboxes.Count);
        foreach (var m in e.Mailboxes)
        {
            mailboxes.Add(m.ToString());
        }

        return new EndpointStatus(
            e.Id,
            mailboxes,
            e.Aggregate,
            e.VoicemailExtension,
            e.Unsolicited,
            e.SubscribeReplacesUnsolicited,
            e.OmitUrgent,
            e.WithoutAuth ? "acl" : "digest",
            e.PermitList,
            contacts,
            own);
    }

    private RegistrationStatus Describe(ContactBinding b)
    {
        var delivery = _unsolicited.DeliveryOf(b.EndpointId, b.Uri);
        return new RegistrationStatus(
            b.EndpointId,
            b.Uri,
            b.Origin switch { BindingOrigin.Static => "static", BindingOrigin.Api => "api", _ => "register" },
            b.BoundAt,
            b.ExpiresAt,
            b.Path,
            b.Transport is { } t ? Remote(t, b.RemoteAddress ?? string.Empty, b.RemotePort) : null,
            b.UserAgent,
            delivery?.LastSuccessAt,
            delivery?.LastFailureAt,
            delivery?.LastFailure);
    }

    private static SubscriptionStatus Describe(Subscription s)
    {
        var mailboxes = new List<string>();
        foreach (var m in s.Target.AllMailboxes())
        {
            mailboxes.Add(m.ToString());
        }

        var d = s.Dialog;
        return new SubscriptionStatus(
            s.Id,
            s.Target.EndpointId,
            mailboxes,
            s.Target.Parts.Count == 1 && mailboxes.Count > 1,
            s.Terminating ? "terminating" : "active",
            d.CallId,
            d.RemoteTarget,
            Remote(d.Transport, d.RemoteAddress, d.RemotePort),
            s.BoundKey is null,
            s.CreatedAt,
            s.ExpiresAt,
            s.LastVersion,
            s.LastNotifyAt,
            s.LastResult);
    }

    private static string Remote(Lantern.Sip.Transport.SipTransportKind transport, string address, int port)
    {
        var host = address.Contains(':', StringComparison.Ordinal) ? "[" + address + "]" : address;
        return transport.ToString().ToLowerInvariant() + " " + host + ":" + port.ToString(CultureInfo.InvariantCulture);
    }
}
