using Lantern.Status;

namespace Lantern.Tests.Api;

/// <summary>Two upstreams; the first's target (wrongly) carries a secret, which the API must never show.</summary>
public sealed class FakeUpstreamStatusSource : IUpstreamStatusSource
{
    public const string Secret = "s3cret-upstream";

    public IReadOnlyList<UpstreamStatus> GetUpstreams() =>
    [
        new("carrier", $"sip:1234:{Secret}@provider.example.com:5070", "1234@SIP_Remote", "tls", UpstreamState.FailedAuth, null, null,
            "403 Forbidden\r\nafter digest", FakeEndpointStatus.T0.AddSeconds(40), 4, 3),
        new("office", "sip:200@pbx.example.org", "200@SIP_Remote", "udp", UpstreamState.Active, 3600, FakeEndpointStatus.T0.AddMinutes(5),
            null, FakeEndpointStatus.T0.AddMinutes(51), 1, 0),
    ];
}
