namespace Lantern.Upstreams;

/// <summary>One SUBSCRIBE the state machine wants sent; the SIP edge turns it into a message and a client transaction.</summary>
/// <param name="RequestUri">The upstream's URI for an initial request, the remote target for an in-dialog one.</param>
/// <param name="RemoteTag">Null for an initial SUBSCRIBE (no To tag).</param>
/// <param name="RemoteTarget">The dialog's remote target (Contact of the 200 or NOTIFY); null before the dialog exists.</param>
/// <param name="RouteSet">Route headers to send, in order (Record-Route of the 200 reversed).</param>
/// <param name="Authorization">A digest credentials value, or null.</param>
/// <param name="ProxyAuthorization">True to send <paramref name="Authorization"/> as <c>Proxy-Authorization</c>.</param>
internal sealed record UpstreamSubscribeRequest(
    UpstreamDefinition Upstream,
    string RequestUri,
    string CallId,
    string LocalTag,
    string? RemoteTag,
    long CSeq,
    int Expires,
    string? RemoteTarget,
    IReadOnlyList<string> RouteSet,
    string? Authorization,
    bool ProxyAuthorization)
{
    public bool InDialog => RemoteTag is not null;
}
