namespace Lantern.Upstreams;

/// <summary>One REGISTER the subscriber wants sent to the upstream (Request-URI <c>sip:host[:port]</c>, To and From the auth user there).</summary>
/// <param name="Expires">Requested expiry; 0 removes the binding.</param>
/// <param name="Authorization">A digest credentials value, or null.</param>
/// <param name="ProxyAuthorization">True to send <paramref name="Authorization"/> as <c>Proxy-Authorization</c>.</param>
internal sealed record UpstreamRegisterRequest(
    UpstreamDefinition Upstream,
    string CallId,
    string LocalTag,
    long CSeq,
    int Expires,
    string? Authorization,
    bool ProxyAuthorization);
