using System.Net;
using Lantern.Upstreams;

namespace Lantern.Tests.Upstreams;

/// <summary>Answers from fixed tables and records every query, so resolution tests never touch the network.</summary>
internal sealed class FakeDnsLookup : IUpstreamDnsLookup
{
    public Dictionary<string, List<UpstreamSrvRecord>> Srv { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, List<IPAddress>> Addresses { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<string> Queries { get; } = [];

    public Task<IReadOnlyList<UpstreamSrvRecord>> QuerySrvAsync(string name, CancellationToken cancellationToken)
    {
        Queries.Add("SRV " + name);
        return Task.FromResult<IReadOnlyList<UpstreamSrvRecord>>(Srv.TryGetValue(name, out var r) ? r : []);
    }

    public Task<IReadOnlyList<IPAddress>> QueryAddressesAsync(string host, CancellationToken cancellationToken)
    {
        Queries.Add("A/AAAA " + host);
        return Task.FromResult<IReadOnlyList<IPAddress>>(Addresses.TryGetValue(host, out var r) ? r : []);
    }
}
