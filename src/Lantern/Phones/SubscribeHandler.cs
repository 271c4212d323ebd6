using System.Globalization;
using System.Text;
using Lantern.Mailboxes;
using Lantern.MessageSummary;
using Lantern.Sip.Messages;
using Lantern.Sip.Stack;
using Lantern.Sip.Transactions;
using Lantern.Sip.Transport;

namespace Lantern.Phones;

/// <summary>SUBSCRIBE <c>Event: message-summary</c> (sip.md §4): checks, authentication, target resolution, expiry negotiation,
/// the 200 and then the immediate NOTIFY; in-dialog refresh and unsubscribe; 481 for unknown dialogs.</summary>
internal sealed class SubscribeHandler : ISipRequestHandler
{
    private const string Package = "message-summary";
    private const string SubscriptionStoreUnavailable = "Subscription Store Unavailable";

    private readonly PhonesService _phones;
    private readonly PhonesAuthenticator _auth;
    private readonly IMailboxService _mailboxes;
    private ListenerContact? _lastContact;
    private AddressText? _lastRemote;

    public SubscribeHandler(PhonesService phones, PhonesAuthenticator auth, IMailboxService mailboxes)
    {
        _phones = phones;
        _auth = auth;
        _mailboxes = mailboxes;
    }

    public ValueTask HandleRequestAsync(SipServerTransaction transaction, CancellationToken cancellationToken)
    {
        // Not cancelled: an accepted request waits only for its commit, which the record writer bounds.
        return Handle(transaction);
    }

    private ValueTask Handle(SipServerTransaction tx)
    {
        var request = tx.Request;
        if (!IsMessageSummary(request))
        {
            tx.Respond(tx.CreateResponse(489, "Bad Event").AddHeader(SipHeaderId.AllowEvents, Package));
            return ValueTask.CompletedTask;
        }

        if (!AcceptsSummary(request))
        {
            tx.Respond(tx.CreateResponse(406, "Not Acceptable").AddHeader(SipHeaderId.Accept, MessageSummaryWriter.ContentType));
            return ValueTask.CompletedTask;
        }

        if (!PhonesResponses.TryReadExpires(tx, out var expires))
        {
            return ValueTask.CompletedTask;
        }

        if (request.FromTag is null)
        {
            tx.Respond(400, "Missing From Tag");
            return ValueTask.CompletedTask;
        }

        if (request.ToTag is { } toTag)
        {
            var sub = _phones.Subscriptions.FindDialog(request.CallId, toTag, request.FromTag);
            if (_phones.Ownership is not null && sub is null)
            {
                return MoveDialogAsync(tx, toTag, request.FromTag, expires);
            }

            return InDialog(tx, sub, toTag, request.FromTag, expires);
        }

        var contact = RemoteTarget(request);

        if (contact is null)
        {
            tx.Respond(400, "Missing Contact");
            return ValueTask.CompletedTask;
        }

        var directory = _phones.Directory;
        var identity = _auth.Admit(tx, directory);
        if (identity is null)
        {
            return ValueTask.CompletedTask;
        }

        if (identity.Endpoint is { AllowSubscribe: false })
        {
            // chan_sip's allowsubscribe=no: the endpoint gets unsolicited NOTIFYs only.
            tx.Respond(403, "Subscriptions Disabled For Endpoint");
            return ValueTask.CompletedTask;
        }

        var user = request.RequestUri?.User;
        if (user is null)
        {
            tx.Respond(404, "No User In Request-URI");
            return ValueTask.CompletedTask;
        }

        var resolution = directory.Resolve(user, identity.Endpoint, id => _mailboxes.Find(id) is not null);
        if (resolution.Status != TargetStatus.Found)
        {
            tx.Respond(resolution.Status == TargetStatus.Forbidden ? 403 : 404, resolution.Reason);
            return ValueTask.CompletedTask;
        }

        var localUri = request.TryGetTo(out var to) && to is not null ? to.Uri.ToString() : request.RequestUriText;
        var remoteUri = request.TryGetFrom(out var from) && from is not null ? from.Uri.ToString() : contact;
        if (remoteUri == localUri)
        {
            // Phones subscribing to themselves: one string for both saves memory on every live subscription.
            remoteUri = localUri;
        }

        var dialog = new SubscriptionDialog(
            request.CallId,
            tx.LocalTag,
            request.FromTag,
            localUri,
            remoteUri,
            contact,
            RouteSet(request),
            tx.ResponseDestination.Transport,
            RemoteAddressText(tx.ResponseDestination.Remote.Address),
            tx.ResponseDestination.Remote.Port,
            tx.ResponseDestination.ConnectionId,
            LocalContact(tx));
        var endpoint = identity.Endpoint;
        var decision = _phones.Subscriptions.Subscribe(dialog, resolution.Target!, expires, endpoint?.Id, endpoint?.MaxSubscriptions ?? int.MaxValue);
        return Answer(tx, decision);
    }

    /// <param name="sub">The dialog's subscription as found when the request came in; null when there is none.</param>
    private ValueTask InDialog(SipServerTransaction tx, Subscription? sub, string toTag, string fromTag, int? expires)
    {
        if (!AdmitInDialog(tx, sub))
        {
            return ValueTask.CompletedTask;
        }

        // A refresh nearly always repeats the Contact the dialog has: compared as it is on the wire, it costs no parse.
        var contact = sub is not null && SameTarget(tx.Request, sub.Dialog.RemoteTarget) ? null : RemoteTarget(tx.Request);
        var refreshed = _phones.Subscriptions.Refresh(tx.Request.CallId, toTag, fromTag, expires, contact, tx.ResponseDestination);
        return refreshed is { Status: SubscribeStatus.Accepted, Expires: 0 } ? AnswerUnsubscribeAsync(tx, refreshed) : Answer(tx, refreshed);
    }

    /// <summary>An unsubscribe is answered once its delete is stored: a <c>200</c> then means no node will notify the dialog
    /// again, even when this one dies at once (decision 0045). When the store cannot take it, <c>503</c>; the final NOTIFY
    /// still goes out (the subscription has ended here) and the delete is tried again.</summary>
    private ValueTask AnswerUnsubscribeAsync(SipServerTransaction tx, SubscribeDecision decision)
    {
        PhonesResponses.AnswerWhenStored(_phones, tx, SubscriptionStoreUnavailable, (Handler: this, tx, decision),
            static s => s.Handler.Accept(s.tx, s.decision),
            static s => s.Handler._phones.Subscriptions.Activate(s.decision.Subscription!));
        return ValueTask.CompletedTask;
    }

    /// <summary>A refresh or unsubscribe for a dialog another node owns (or owned: it died) is taken here instead of 481, the
    /// dialog moving with it (decision 0023); off the common path, which finds its dialog in memory.</summary>
    private async ValueTask MoveDialogAsync(SipServerTransaction tx, string toTag, string fromTag, int? expires)
    {
        try
        {
            await _phones.ClaimSubscriptionAsync(SubscriptionDialog.KeyOf(tx.Request.CallId, toTag, fromTag), CancellationToken.None);
        }
#pragma warning disable CA1031 // Any store failure gets the same answer: try again shortly.
        catch (Exception)
#pragma warning restore CA1031
        {
            PhonesResponses.StoreUnavailable(tx, SubscriptionStoreUnavailable);
            return;
        }

        await InDialog(tx, _phones.Subscriptions.FindDialog(tx.Request.CallId, toTag, fromTag), toTag, fromTag, expires);
    }

    /// <summary>Dialog ids travel in clear text, so knowing them proves nothing: a refresh or unsubscribe from anywhere but the
    /// subscriber's own flow must be admitted like an initial SUBSCRIBE, as the subscription's owner (or a trusted proxy).</summary>
    private bool AdmitInDialog(SipServerTransaction tx, Subscription? sub)
    {
        if (sub is null || FromDialogFlow(sub.Dialog, tx))
        {
            return true;
        }

        var identity = _auth.Admit(tx, _phones.Directory);
        if (identity is null)
        {
            return false;
        }

        if (identity.IsTrusted || identity.Endpoint!.Id == sub.BoundKey)
        {
            return true;
        }

        tx.Respond(403, "Not Your Subscription");
        return false;
    }

    private static bool FromDialogFlow(SubscriptionDialog dialog, SipServerTransaction tx)
    {
        var from = tx.ResponseDestination;
        return from.Transport == dialog.Transport
            && from.Remote.Port == dialog.RemotePort
            && System.Net.IPAddress.TryParse(dialog.RemoteAddress, out var address)
            && address.Equals(from.Remote.Address);
    }

    private ValueTask Answer(SipServerTransaction tx, SubscribeDecision decision)
    {
        switch (decision.Status)
        {
            case SubscribeStatus.Accepted:
                // The 200 promises the phone its lamp will be kept right, across a crash too: answer once the subscription
                // is stored. A fetch (Expires 0 creating no dialog) stores nothing and is answered at once.
                if (decision.Expires == 0)
                {
                    Accept(tx, decision);
                    break;
                }

                PhonesResponses.AnswerWhenStored(_phones, tx, SubscriptionStoreUnavailable, (Handler: this, tx, decision), static s => s.Handler.Accept(s.tx, s.decision));
                break;
            case SubscribeStatus.IntervalTooBrief:
                PhonesResponses.IntervalTooBrief(tx, decision.MinExpires);
                break;
            case SubscribeStatus.Overloaded:
                tx.Respond(tx.CreateResponse(503, "Too Many Subscriptions").AddHeader(SipHeaderId.RetryAfter, decision.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture)));
                break;
            default:
                tx.Respond(481, "Subscription Does Not Exist");
                break;
        }

        return ValueTask.CompletedTask;
    }

    private void Accept(SipServerTransaction tx, SubscribeDecision decision)
    {
        var ok = tx.CreateResponse(200, "OK")
            .AddHeader(SipHeaderId.Expires, decision.Expires.ToString(CultureInfo.InvariantCulture))
            .AddHeader(SipHeaderId.Contact, decision.Subscription!.Dialog.LocalContact.Length > 0 ? decision.Subscription.Dialog.LocalContact : LocalContact(tx));
        if (tx.Request.ToTag is null)
        {
            // RFC 3261 §12.1.1: the 2xx creating the dialog carries the Record-Route set, so the phone's refreshes take the
            // same proxies (a load balancer in front of a cluster can then move them to a live node).
            foreach (var route in tx.Request.GetHeaders(SipHeaderId.RecordRoute))
            {
                ok.AddHeader(SipHeaderId.RecordRoute, route);
            }
        }

        tx.Respond(ok);
        _phones.Subscriptions.Activate(decision.Subscription);
    }

    /// <summary>True when the (first) Event header names the <c>message-summary</c> package; a plain
    /// <c>Event: message-summary</c>, what phones send, is recognized without parsing the header into objects.</summary>
    internal static bool IsMessageSummary(SipMessage request)
    {
        var index = IndexOf(request, SipHeaderId.Event);
        if (index >= 0 && Ascii.EqualsIgnoreCase(request.GetHeaderValue(index).Trim(" \t"u8), Package))
        {
            return true;
        }

        return request.TryGetEvent(out var ev) && ev is not null && ev.Package.Equals(Package, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Our Contact for the listener the request came in on: the last one made is kept, since every request of a
    /// deployment arrives on one or two listeners.</summary>
    private string LocalContact(SipServerTransaction tx)
    {
        var source = tx.Source;
        var last = Volatile.Read(ref _lastContact);
        if (last is not null && last.Transport == source.Transport && last.Local.Equals(source.Local))
        {
            return last.Text;
        }

        var text = PhonesContact.For(tx, _phones.Settings.Domain);
        Volatile.Write(ref _lastContact, new ListenerContact(source.Transport, source.Local, text));
        return text;
    }

    /// <summary>The text of the address a new subscription came from: the last one is kept, which a proxy (or a phone's many
    /// dialogs) repeats.</summary>
    private string RemoteAddressText(System.Net.IPAddress address)
    {
        var last = Volatile.Read(ref _lastRemote);
        if (last is not null && last.Address.Equals(address))
        {
            return last.Text;
        }

        var text = address.ToString();
        Volatile.Write(ref _lastRemote, new AddressText(address, text));
        return text;
    }

    private sealed record ListenerContact(SipTransportKind Transport, System.Net.IPEndPoint Local, string Text);

    private sealed record AddressText(System.Net.IPAddress Address, string Text);

    /// <summary>True when there is no Accept header or one of its entries covers <c>application/simple-message-summary</c>.</summary>
    internal static bool AcceptsSummary(SipMessage request)
    {
        if (!request.HasHeader(SipHeaderId.Accept))
        {
            return true;
        }

        // The usual Accept (the one type, alone) without a string per entry.
        for (var i = 0; i < request.HeaderCount; i++)
        {
            if (request.GetHeaderId(i) == SipHeaderId.Accept
                && Ascii.EqualsIgnoreCase(request.GetHeaderValue(i).Trim(" \t"u8), MessageSummaryWriter.ContentType))
            {
                return true;
            }
        }

        foreach (var entry in request.GetList(SipHeaderId.Accept))
        {
            var semicolon = entry.IndexOf(';', StringComparison.Ordinal);
            var type = (semicolon < 0 ? entry : entry[..semicolon]).Trim();
            if (type.Equals(MessageSummaryWriter.ContentType, StringComparison.OrdinalIgnoreCase)
                || type.Equals("application/*", StringComparison.OrdinalIgnoreCase)
                || type == "*/*")
            {
                return true;
            }
        }

        return false;
    }

    private static string? RemoteTarget(SipMessage request) =>
        request.TryGetContacts(out var contacts) && contacts.Count > 0 && contacts[0].Address is { } a ? a.Uri.ToString() : null;

    /// <summary>The Record-Route set; the shared empty one without proxies (the common case), so no list per subscription.</summary>
    private static IReadOnlyList<string> RouteSet(SipMessage request)
    {
        if (!request.HasHeader(SipHeaderId.RecordRoute) || !request.TryGetAddressList(SipHeaderId.RecordRoute, out var list) || list.Count == 0)
        {
            return Array.Empty<string>();
        }

        var routes = new List<string>(list.Count);
        foreach (var r in list)
        {
            routes.Add(r.ToString());
        }

        return routes;
    }

    /// <summary>True when the request's first Contact is, byte for byte, <paramref name="target"/>: the URI between its angle
    /// brackets, or the whole value up to its parameters without them. Anything else (a changed Contact, or one the parser
    /// would normalize) is parsed as before; parsing text that is already its normalized form gives that text again.</summary>
    internal static bool SameTarget(SipMessage request, string target)
    {
        var index = IndexOf(request, SipHeaderId.Contact);
        if (index >= 0)
        {
            var value = request.GetHeaderValue(index).Trim(" \t"u8);
            var open = value.IndexOf((byte)'<');
            ReadOnlySpan<byte> uri;
            if (open >= 0)
            {
                var close = value.IndexOf((byte)'>');
                if (close <= open)
                {
                    return false;
                }

                uri = value[(open + 1)..close];
            }
            else
            {
                var semicolon = value.IndexOfAny((byte)';', (byte)',');
                uri = semicolon < 0 ? value : value[..semicolon];
            }

            return Ascii.Equals(uri, target);
        }

        return false;
    }

    /// <summary>Index of the first header <paramref name="id"/> of <paramref name="request"/>; -1 when it has none.</summary>
    private static int IndexOf(SipMessage request, SipHeaderId id)
    {
        for (var i = 0; i < request.HeaderCount; i++)
        {
            if (request.GetHeaderId(i) == id)
            {
                return i;
            }
        }

        return -1;
    }
}
