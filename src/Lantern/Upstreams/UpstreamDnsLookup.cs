using System.Net;
using System.Net.Sockets;
using DnsClient;

namespace Lantern.Upstreams;

/// <summary>DNS through DnsClient (SRV, A, AAAA), falling back to the system resolver for addresses so <c>/etc/hosts</c> names work.</summary>
internal sealed class UpstreamDnsLookup : IUpstreamDnsLookup
{
    private static readonly QueryType[] AddressTypes = [QueryType.A, QueryType.AAAA];

    private readonly ILookupClient _client;

    public UpstreamDnsLookup(ILookupClient client)
    {
        _client = client;
    }

    /// <summary>A lookup using the machine's configured name servers.</summary>
    public static UpstreamDnsLookup CreateDefault() =>
        new(new LookupClient(new LookupClientOptions { UseCache = true, Timeout = TimeSpan.FromSeconds(3), Retries = 2, ThrowDnsErrors = false }));

    public async Task<IReadOnlyList<UpstreamSrvRecord>> QuerySrvAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.QueryAsync(name, QueryType.SRV, QueryClass.IN, cancellationToken).ConfigureAwait(false);
            if (response.HasError)
            {
                return [];
            }

            var result = new List<UpstreamSrvRecord>();
            foreach (var srv in response.Answers.SrvRecords())
            {
                result.Add(new UpstreamSrvRecord(srv.Target.Value.TrimEnd('.'), srv.Port, srv.Priority, srv.Weight));
            }

            return result;
        }
        catch (DnsResponseException)
        {
            return [];
        }
    }

    public async Task<IReadOnlyList<IPAddress>> QueryAddressesAsync(string host, CancellationToken cancellationToken)
    {
        var result = new List<IPAddress>();
        try
        {
            foreach (var type in AddressTypes)
            {
                var response = await _client.QueryAsync(host, type, QueryClass.IN, cancellationToken).ConfigureAwait(false);
                if (response.HasError)
                {
                    continue;
                }

                foreach (var record in response.Answers.AddressRecords())
                {
                    result.Add(record.Address);
                }
            }
        }
        catch (DnsResponseException)
        {
            // Fall through to the system resolver.
        }

        if (result.Count > 0)
        {
            return result;
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            foreach (var a in addresses)
            {
                if (a.AddressFamily == AddressFamily.InterNetwork)
                {
                    result.Add(a);
                }
            }

            foreach (var a in addresses)
            {
                if (a.AddressFamily == AddressFamily.InterNetworkV6)
                {
                    result.Add(a);
                }
            }
        }
        catch (SocketException)
        {
            // Unknown name: an empty answer, reported by the resolver.
        }

        return result;
    }
}
