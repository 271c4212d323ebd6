using System.Globalization;
using Lantern.Sip.Messages;

namespace Lantern.Upstreams;

/// <summary>Translates between the subscriber's records and SIP messages: builds SUBSCRIBE, reads its final response
/// and in-dialog NOTIFYs.</summary>
internal static class UpstreamSipMessages
{
    public const string UserAgent = "Lantern";

    /// <summary>The SUBSCRIBE for <paramref name="request"/>; the stack adds Via and Max-Forwards.</summary>
    /// <param name="contactUri">Our Contact, e.g. <c>sip:1001@192.0.2.5:5060</c>.</param>
    public static SipMessageBuilder BuildSubscribe(UpstreamSubscribeRequest request, string contactUri)
    {
        var u = request.Upstream;
        var b = SipMessageBuilder.Request(SipMethod.Subscribe, request.RequestUri);
        foreach (var route in request.RouteSet)
        {
            b.AddHeader(SipHeaderId.Route, route);
        }

        b.AddHeader(SipHeaderId.From, $"<{u.FromUri}>;tag={request.LocalTag}");
        b.AddHeader(SipHeaderId.To, request.RemoteTag is null ? $"<{u.RequestUri}>" : $"<{u.RequestUri}>;tag={request.RemoteTag}");
        b.AddHeader(SipHeaderId.CallId, request.CallId);
        b.AddHeader(SipHeaderId.CSeq, request.CSeq.ToString(CultureInfo.InvariantCulture) + " SUBSCRIBE");
        b.AddHeader(SipHeaderId.Contact, $"<{contactUri}>");
        b.AddHeader(SipHeaderId.Event, UpstreamSubscriber.EventPackage);
        b.AddHeader(SipHeaderId.Accept, UpstreamSubscriber.BodyContentType);
        b.AddHeader(SipHeaderId.Expires, request.Expires.ToString(CultureInfo.InvariantCulture));
        if (request.Authorization is not null)
        {
            b.AddHeader(request.ProxyAuthorization ? SipHeaderId.ProxyAuthorization : SipHeaderId.Authorization, request.Authorization);
        }

        b.AddHeader(SipHeaderId.UserAgent, UserAgent);
        return b;
    }

    /// <summary>The REGISTER for <paramref name="request"/>: binds <paramref name="contactUri"/> to the auth user at the upstream.</summary>
    public static SipMessageBuilder BuildRegister(UpstreamRegisterRequest request, string contactUri)
    {
        var u = request.Upstream;
        var b = SipMessageBuilder.Request(SipMethod.Register, u.RegistrarUri);
        b.AddHeader(SipHeaderId.From, $"<{u.FromUri}>;tag={request.LocalTag}");
        b.AddHeader(SipHeaderId.To, $"<{u.FromUri}>");
        b.AddHeader(SipHeaderId.CallId, request.CallId);
        b.AddHeader(SipHeaderId.CSeq, request.CSeq.ToString(CultureInfo.InvariantCulture) + " REGISTER");
        b.AddHeader(SipHeaderId.Contact, $"<{contactUri}>");
        b.AddHeader(SipHeaderId.Expires, request.Expires.ToString(CultureInfo.InvariantCulture));
        if (request.Authorization is not null)
        {
            b.AddHeader(request.ProxyAuthorization ? SipHeaderId.ProxyAuthorization : SipHeaderId.Authorization, request.Authorization);
        }

        b.AddHeader(SipHeaderId.UserAgent, UserAgent);
        return b;
    }

    /// <summary>What the subscriber needs from a final response to its SUBSCRIBE or REGISTER.</summary>
    public static UpstreamSubscribeResponse ReadResponse(SipMessage response)
    {
        int? expires = response.TryGetExpires(out var e) ? (int)Math.Min(e, int.MaxValue) : null;
        int? minExpires = response.TryGetMinExpires(out var m) ? (int)Math.Min(m, int.MaxValue) : null;
        int? retryAfter = null;
        if (response.GetHeader(SipHeaderId.RetryAfter) is { } ra)
        {
            var end = 0;
            var span = ra.AsSpan().TrimStart();
            while (end < span.Length && char.IsAsciiDigit(span[end]))
            {
                end++;
            }

            if (int.TryParse(span[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                retryAfter = seconds;
            }
        }

        string? remoteTarget = null;
        if (response.TryGetContacts(out var contacts) && contacts.Count > 0 && contacts[0].Address is { } contact)
        {
            remoteTarget = contact.Uri.ToString();
        }

        var recordRoute = response.GetHeaders(SipHeaderId.RecordRoute);
        var challenges = response.StatusCode switch
        {
            401 => response.GetHeaders(SipHeaderId.WwwAuthenticate),
            407 => response.GetHeaders(SipHeaderId.ProxyAuthenticate),
            _ => [],
        };
        return new UpstreamSubscribeResponse(
            response.StatusCode,
            response.ReasonPhrase,
            expires,
            minExpires,
            retryAfter,
            response.ToTag,
            remoteTarget,
            SplitRoutes(recordRoute),
            challenges);
    }

    /// <summary>Reads an in-dialog NOTIFY, copying the body so it outlives the message.</summary>
    public static UpstreamNotify ReadNotify(SipMessage request)
    {
        string? contact = null;
        if (request.TryGetContacts(out var contacts) && contacts.Count > 0 && contacts[0].Address is { } address)
        {
            contact = address.Uri.ToString();
        }

        return new UpstreamNotify(
            request.CallId,
            request.FromTag,
            request.ToTag,
            request.CSeq.Number,
            request.GetHeader(SipHeaderId.Event),
            request.GetHeader(SipHeaderId.SubscriptionState),
            request.ContentType,
            request.Body.ToArray(),
            contact);
    }

    // Record-Route may carry several comma-separated entries per header; each becomes one Route entry.
    private static List<string> SplitRoutes(IReadOnlyList<string> values)
    {
        var routes = new List<string>();
        foreach (var value in values)
        {
            var depth = false;
            var start = 0;
            for (var i = 0; i < value.Length; i++)
            {
                var c = value[i];
                if (c == '<')
                {
                    depth = true;
                }
                else if (c == '>')
                {
                    depth = false;
                }
                else if (c == ',' && !depth)
                {
                    Add(routes, value[start..i]);
                    start = i + 1;
                }
            }

            Add(routes, value[start..]);
        }

        return routes;
    }

    private static void Add(List<string> routes, string entry)
    {
        var t = entry.Trim();
        if (t.Length > 0)
        {
            routes.Add(t);
        }
    }
}
