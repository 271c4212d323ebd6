using System.Net;
using Lantern.MessageSummary;
using Lantern.Sip.Messages;
using Lantern.Sip.Stack;
using Lantern.Sip.Transactions;
using Lantern.Sip.Transport;

namespace Lantern.Phones;

/// <summary>Sends the notifier's NOTIFYs through the SIP stack: in-dialog ones along the dialog (remote target, route set, tags,
/// CSeq) over the flow the SUBSCRIBE came on; unsolicited ones to a contact (over its REGISTER flow, or its URI), with Path as route.</summary>
internal sealed class SipMwiNotifySender : IMwiNotifySender
{
    private const string EventValue = "message-summary";

    private readonly SipStack _stack;
    private readonly string _domain;
    private readonly string _userAgent;

    public SipMwiNotifySender(SipStack stack, string domain, string userAgent = "Lantern")
    {
        _stack = stack;
        _domain = domain;
        _userAgent = userAgent;
    }

    public async ValueTask<NotifyOutcome> SendInDialogAsync(SubscriptionDialog dialog, long cseq, string subscriptionState, MwiSnapshot state, CancellationToken cancellationToken)
    {
        if (!IPAddress.TryParse(dialog.RemoteAddress, out var address))
        {
            return NotifyOutcome.TransportFailed("no address for " + dialog.RemoteAddress);
        }

        var b = SipMessageBuilder.Request(SipMethod.Notify, dialog.RemoteTarget);
        foreach (var route in dialog.RouteSet)
        {
            b.AddHeader(SipHeaderId.Route, route);
        }

        // Written as bytes by the builder: no strings per NOTIFY for the dialog's headers.
        b.AddHeader(SipHeaderId.From, "<", dialog.LocalUri, ">;tag=", dialog.LocalTag);
        b.AddHeader(SipHeaderId.To, "<", dialog.RemoteUri, ">;tag=", dialog.RemoteTag);
        b.AddHeader(SipHeaderId.CallId, dialog.CallId);
        b.AddCSeq(cseq, SipMethod.Notify);
        if (dialog.LocalContact.Length > 0)
        {
            b.AddHeader(SipHeaderId.Contact, dialog.LocalContact);
        }

        b.AddHeader(SipHeaderId.Event, EventValue);
        b.AddHeader(SipHeaderId.SubscriptionState, subscriptionState);
        b.AddHeader(SipHeaderId.UserAgent, _userAgent);
        b.SetBody(state.Body, MessageSummaryWriter.ContentType);
        var flow = new SipDestination(dialog.Transport, new IPEndPoint(address, dialog.RemotePort), dialog.ConnectionId);

        // One await level per NOTIFY (a fan-out sends thousands): the fallback is worked out only when the flow failed.
        var result = await _stack.SendRequestAsync(b, flow, cancellationToken);
        if (result.Failure == SipClientFailure.TransportError && dialog.Transport != SipTransportKind.Udp
            && UriDestination(dialog.RouteSet.Count > 0 ? dialog.RouteSet[0] : null, dialog.RemoteTarget) is { } target
            && target.Remote != flow.Remote)
        {
            result = await _stack.SendRequestAsync(b, target, cancellationToken);
        }

        return Outcome(result);
    }

    /// <summary>Sends over the flow the phone used; when that stream is gone (a restart, a dropped connection) and the
    /// phone's source port is not listening, retries once at the route or remote target, where the phone does listen.</summary>
    private async ValueTask<SipClientResult> SendWithFallbackAsync(
        SipMessageBuilder request, SipDestination flow, SipDestination? fallback, CancellationToken cancellationToken)
    {
        var result = await _stack.SendRequestAsync(request, flow, cancellationToken);
        if (result.Failure == SipClientFailure.TransportError && fallback is { } target && target.Remote != flow.Remote)
        {
            result = await _stack.SendRequestAsync(request, target, cancellationToken);
        }

        return result;
    }

    public async ValueTask<NotifyOutcome> SendUnsolicitedAsync(ContactBinding contact, MwiSnapshot state, CancellationToken cancellationToken)
    {
        var destination = DestinationOf(contact);
        if (destination is null)
        {
            return NotifyOutcome.TransportFailed("cannot reach " + contact.Uri + " (not an IP address)");
        }

        var b = SipMessageBuilder.Request(SipMethod.Notify, contact.Uri);
        foreach (var route in contact.Path)
        {
            b.AddHeader(SipHeaderId.Route, route);
        }

        b.AddHeader(SipHeaderId.From, "<" + state.MessageAccount + ">;tag=" + SipIdentifiers.NewTag());
        b.AddHeader(SipHeaderId.To, "<" + contact.Uri + ">");
        b.AddHeader(SipHeaderId.CallId, SipIdentifiers.NewCallId(_domain));
        b.AddHeader(SipHeaderId.CSeq, "1 NOTIFY");
        b.AddHeader(SipHeaderId.Event, EventValue);
        b.AddHeader(SipHeaderId.SubscriptionState, "terminated");
        b.AddHeader(SipHeaderId.UserAgent, _userAgent);
        b.SetBody(state.Body, MessageSummaryWriter.ContentType);
        var fallback = destination.Value.Transport == SipTransportKind.Udp || contact.Transport is null
            ? null
            : UriDestination(contact.Path.Count > 0 ? contact.Path[0] : null, contact.Uri);
        return Outcome(await SendWithFallbackAsync(b, destination.Value, fallback, cancellationToken));
    }

    /// <summary>The flow the contact registered over; for static and API contacts the address in the first Path entry or the URI.</summary>
    internal static SipDestination? DestinationOf(ContactBinding contact)
    {
        if (contact.Transport is { } transport && IPAddress.TryParse(contact.RemoteAddress, out var registeredFrom))
        {
            return new SipDestination(transport, new IPEndPoint(registeredFrom, contact.RemotePort), contact.ConnectionId);
        }

        return UriDestination(contact.Path.Count > 0 ? contact.Path[0] : null, contact.Uri);
    }

    /// <summary>Where a request to <paramref name="uri"/> goes by RFC 3261 §8.1.2 without DNS: the first route, else the URI.</summary>
    internal static SipDestination? UriDestination(string? firstRoute, string uri)
    {
        var target = firstRoute is not null && SipNameAddress.TryParse(firstRoute, out var route) ? route!.Uri : null;
        if (target is null && !SipUri.TryParse(uri, out target))
        {
            return null;
        }

        if (target is null || !IPAddress.TryParse(target.Host, out var address))
        {
            return null;
        }

        var secure = target.Scheme == SipUriScheme.Sips;
        var kind = (target.GetParameter("transport")?.ToUpperInvariant()) switch
        {
            "TCP" => SipTransportKind.Tcp,
            "TLS" => SipTransportKind.Tls,
            _ => secure ? SipTransportKind.Tls : SipTransportKind.Udp,
        };
        var port = target.Port != 0 ? target.Port : kind == SipTransportKind.Tls ? 5061 : 5060;
        return new SipDestination(kind, new IPEndPoint(address, port));
    }

    private static NotifyOutcome Outcome(SipClientResult result)
    {
        if (result.Response is { } response)
        {
            using (response)
            {
                // A 2xx is the common case by far: its canonical phrase saves decoding the received one for every NOTIFY.
                var status = response.StatusCode;
                return NotifyOutcome.FromStatus(status, status is >= 200 and < 300 ? SipReasonPhrases.For(status) : response.ReasonPhrase);
            }
        }

        return result.Failure switch
        {
            SipClientFailure.Timeout => NotifyOutcome.TimedOut,
            _ => NotifyOutcome.TransportFailed(result.Error ?? result.Failure.ToString()),
        };
    }
}
