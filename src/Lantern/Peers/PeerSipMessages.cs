using System.Net;
using Lantern.Sip.Messages;

namespace Lantern.Peers;

/// <summary>Translates between SIP messages and the peers feature's request/response records.</summary>
internal static class PeerSipMessages
{
    /// <summary>True for the requests the peers feature answers: PUBLISH, and NOTIFY outside a dialog (no To tag).</summary>
    public static bool Claims(SipMessage request) =>
        request.Method == SipMethod.Publish || (request.Method == SipMethod.Notify && request.ToTag is null);

    /// <summary>Reads a NOTIFY or PUBLISH from <paramref name="source"/>, copying the body so it outlives the message.</summary>
    public static PeerRequest ReadRequest(SipMessage request, IPAddress source)
    {
        var authorization = request.GetHeader(SipHeaderId.Authorization);
        return new PeerRequest(
            request.Method == SipMethod.Publish ? PeerMethod.Publish : PeerMethod.Notify,
            source,
            request.RequestUriText,
            request.GetHeader(SipHeaderId.Event),
            request.ContentType,
            request.Body.ToArray(),
            authorization,
            request.GetHeader(SipHeaderId.Expires),
            request.GetHeader(SipHeaderId.SipIfMatch));
    }

    /// <summary>Adds the response's extra headers to <paramref name="builder"/> (made with the status and reason).</summary>
    public static SipMessageBuilder AddHeaders(SipMessageBuilder builder, PeerResponse response)
    {
        foreach (var (name, value) in response.Headers)
        {
            builder.AddHeader(name, value);
        }

        return builder;
    }
}
