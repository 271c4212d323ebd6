using Lantern.Sip.Transport;

namespace Lantern.Phones;

/// <summary>A REGISTER as the registrar needs it, after authentication.</summary>
/// <param name="Wildcard">The request carried <c>Contact: *</c>.</param>
/// <param name="Contacts">The Contact entries; empty (and no wildcard) for a query.</param>
internal sealed record RegisterRequest(
    PhoneEndpoint Endpoint,
    IReadOnlyList<RegisterContact> Contacts,
    bool Wildcard,
    int? Expires,
    string CallId,
    long CSeq,
    IReadOnlyList<string> Path,
    SipTransportKind Transport,
    string RemoteAddress,
    int RemotePort,
    long ConnectionId,
    string? UserAgent = null);
