using Lantern.Status;

namespace Lantern.Tests.Api;

/// <summary>One peer, as the peers layer would describe it.</summary>
public sealed class FakePeerStatusSource : IPeerStatusSource
{
    public IReadOnlyList<PeerStatus> GetPeers() =>
    [
        new("oldpbx", ["pbx.example.org", "198.51.100.0/28"], ["198.51.100.5/32", "198.51.100.0/28"], "500@default", true, 1,
            FakeEndpointStatus.T0.AddHours(1), FakeEndpointStatus.T0.AddMinutes(4), null, 17, 2),
    ];
}
