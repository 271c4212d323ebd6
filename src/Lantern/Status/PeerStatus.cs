namespace Lantern.Status;

/// <summary>One configured peer as <c>GET /api/v1/peers</c> and <c>lantern peers</c> show it.</summary>
/// <param name="Name">The configured name (also the mailbox source <c>peer:NAME</c>).</param>
/// <param name="Match">The configured addresses and ranges, as written.</param>
/// <param name="Networks">What <paramref name="Match"/> resolved to at start (CIDR notation).</param>
/// <param name="Mailbox">The mailbox its NOTIFY/PUBLISH bodies go to.</param>
/// <param name="Authenticated">True when the peer must answer a digest challenge.</param>
/// <param name="Publications">Live PUBLISH entity tags.</param>
/// <param name="LastRequestAt">When the last NOTIFY or PUBLISH from it was accepted.</param>
/// <param name="LastError">The last refusal or failure in words, null when none.</param>
public sealed record PeerStatus(
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
