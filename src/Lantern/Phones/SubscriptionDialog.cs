using Lantern.Sip.Transport;

namespace Lantern.Phones;

/// <summary>The dialog a subscription lives in, as NOTIFYs need it (RFC 3261 §12.1.1, UAS side); plain strings so it persists as is.</summary>
/// <param name="LocalTag">Our tag (the To tag of the 200).</param>
/// <param name="RemoteTag">The subscriber's tag (the From tag of the SUBSCRIBE).</param>
/// <param name="LocalUri">The SUBSCRIBE's To URI: the From of our NOTIFYs.</param>
/// <param name="RemoteUri">The SUBSCRIBE's From URI: the To of our NOTIFYs.</param>
/// <param name="RemoteTarget">The subscriber's Contact URI: the Request-URI of our NOTIFYs.</param>
/// <param name="RouteSet">The Record-Route entries of the SUBSCRIBE, in order.</param>
/// <param name="LocalContact">Our Contact header value (in the 200 and every NOTIFY).</param>
/// <param name="RemoteAddress">Where the SUBSCRIBE came from (IP literal), for the transport and connection the phone used.</param>
internal sealed record SubscriptionDialog(
    string CallId,
    string LocalTag,
    string RemoteTag,
    string LocalUri,
    string RemoteUri,
    string RemoteTarget,
    IReadOnlyList<string> RouteSet,
    SipTransportKind Transport,
    string RemoteAddress,
    int RemotePort,
    long ConnectionId,
    string LocalContact = "")
{
    /// <summary>The key an in-dialog request is looked up by.</summary>
    public string Key => KeyOf(CallId, LocalTag, RemoteTag);

    public static string KeyOf(string callId, string localTag, string remoteTag) => callId + "\n" + localTag + "\n" + remoteTag;
}
