namespace Lantern.Api.V1;

/// <summary>One configured peer (a server sending unsolicited NOTIFY or PUBLISH); credentials are never exposed.</summary>
internal sealed record PeerDto(
    string Name,
    IReadOnlyList<string> Match,
    IReadOnlyList<string> Networks,
    string Mailbox,
    bool Authenticated,
    int Publications,
    DateTimeOffset? PublicationExpiresAt,
    DateTimeOffset? LastRequestAt,
    string? LastError,
    long Accepted,
    long Refused);
