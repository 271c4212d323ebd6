namespace Lantern.Peers;

/// <summary>The requests a peer may send.</summary>
internal enum PeerMethod
{
    Notify = 0,
    Publish = 1,
}
