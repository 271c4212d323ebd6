using Lantern.Sip.Transport;

namespace Lantern.Upstreams;

/// <summary>Where a SIP request for an upstream may go, in the order to try them; empty with an error when resolution failed.</summary>
internal sealed record UpstreamResolution(IReadOnlyList<SipDestination> Destinations, string? Error)
{
    public bool Succeeded => Destinations.Count > 0;

    public static UpstreamResolution Failed(string error) => new([], error);
}
