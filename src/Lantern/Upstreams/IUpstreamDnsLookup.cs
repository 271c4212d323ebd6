using System.Net;

namespace Lantern.Upstreams;

/// <summary>The DNS queries RFC 3263 resolution needs; a seam so tests never send real queries.</summary>
internal interface IUpstreamDnsLookup
{
    /// <summary>SRV records for <paramref name="name"/> (e.g. <c>_sip._udp.example.com</c>); empty when none or on error.</summary>
    Task<IReadOnlyList<UpstreamSrvRecord>> QuerySrvAsync(string name, CancellationToken cancellationToken);

    /// <summary>A and AAAA addresses of <paramref name="host"/>, IPv4 first; empty when none or on error.</summary>
    Task<IReadOnlyList<IPAddress>> QueryAddressesAsync(string host, CancellationToken cancellationToken);
}
