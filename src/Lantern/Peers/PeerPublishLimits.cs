namespace Lantern.Peers;

/// <summary>PUBLISH expiry negotiation (RFC 3903 §5): absent → default, above max → max, below min → 423.</summary>
internal sealed record PeerPublishLimits(int MinExpires = 60, int MaxExpires = 7200, int DefaultExpires = 3600);
