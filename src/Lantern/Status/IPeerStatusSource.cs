namespace Lantern.Status;

/// <summary>Read model of the configured peers, for the REST API and the CLI.</summary>
public interface IPeerStatusSource
{
    /// <summary>Every configured peer, ordered by name (ordinal).</summary>
    IReadOnlyList<PeerStatus> GetPeers();
}
