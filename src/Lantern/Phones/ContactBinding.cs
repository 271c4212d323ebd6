using Lantern.Sip.Transport;

namespace Lantern.Phones;

/// <summary>One contact of an endpoint: where unsolicited NOTIFYs go. Immutable; a re-REGISTER replaces it.</summary>
/// <param name="Uri">The contact URI (addr-spec, no angle brackets).</param>
/// <param name="Path">RFC 3327 Path entries from the REGISTER, in order: the route for requests to this contact.</param>
/// <param name="ExpiresAt">Null for bindings that do not expire (static, API without expiry).</param>
/// <param name="Transport">Transport of the REGISTER (null when not from a REGISTER): NOTIFYs reuse the flow the phone opened.</param>
internal sealed record ContactBinding(
    string EndpointId,
    string Uri,
    BindingOrigin Origin,
    IReadOnlyList<string> Path,
    string? CallId,
    long CSeq,
    DateTimeOffset BoundAt,
    DateTimeOffset? ExpiresAt,
    SipTransportKind? Transport = null,
    string? RemoteAddress = null,
    int RemotePort = 0,
    long ConnectionId = 0,
    string? UserAgent = null)
{
    public string Key => KeyOf(EndpointId, Uri);

    public static string KeyOf(string endpointId, string uri) => endpointId + "\n" + uri;

    /// <summary>Whole seconds left, for the 200's Contact expires parameters (0 once expired).</summary>
    public int RemainingSeconds(DateTimeOffset now) => ExpiresAt is { } e ? (int)Math.Max(0, Math.Ceiling((e - now).TotalSeconds)) : int.MaxValue;
}
