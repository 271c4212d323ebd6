using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Lantern.Sip.Transport;

namespace Lantern.Upstreams;

/// <summary>RFC 3263 server location for an upstream: a literal address as is; a name without a port by SRV
/// (<c>_sip._udp</c>, <c>_sip._tcp</c>, <c>_sips._tcp</c> by transport) and then A/AAAA; a name with a port by A/AAAA only.</summary>
internal sealed class UpstreamResolver
{
    /// <summary>Most destinations kept from one resolution; more would only delay failure.</summary>
    public const int MaxDestinations = 16;

    private readonly IUpstreamDnsLookup _dns;
    private readonly Func<int, int> _randomInclusive;

    public UpstreamResolver(IUpstreamDnsLookup dns, Func<int, int>? randomInclusive = null)
    {
        _dns = dns;
        _randomInclusive = randomInclusive ?? (n => RandomNumberGenerator.GetInt32(n + 1));
    }

    /// <summary>Default port of a transport when neither the configuration nor SRV gives one.</summary>
    public static int DefaultPort(SipTransportKind transport) => transport == SipTransportKind.Tls ? 5061 : 5060;

    /// <summary>The SRV service name queried for <paramref name="host"/> over <paramref name="transport"/>.</summary>
    public static string SrvName(string host, SipTransportKind transport) => transport switch
    {
        SipTransportKind.Tcp => "_sip._tcp." + host,
        SipTransportKind.Tls => "_sips._tcp." + host,
        _ => "_sip._udp." + host,
    };

    /// <summary>Resolves <paramref name="host"/>; <paramref name="port"/> 0 means none was configured.</summary>
    public async Task<UpstreamResolution> ResolveAsync(string host, int port, SipTransportKind transport, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            return UpstreamResolution.Failed("no host");
        }

        if (port is < 0 or > 65535)
        {
            return UpstreamResolution.Failed($"port {port.ToString(CultureInfo.InvariantCulture)} is out of range");
        }

        var bare = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (IPAddress.TryParse(bare, out var literal))
        {
            return new UpstreamResolution([new SipDestination(transport, new IPEndPoint(literal, port > 0 ? port : DefaultPort(transport)))], null);
        }

        if (port > 0)
        {
            return await AddressesAsync(bare, port, transport, cancellationToken).ConfigureAwait(false);
        }

        var srv = await _dns.QuerySrvAsync(SrvName(bare, transport), cancellationToken).ConfigureAwait(false);
        if (srv.Count == 0)
        {
            return await AddressesAsync(bare, DefaultPort(transport), transport, cancellationToken).ConfigureAwait(false);
        }

        var ordered = UpstreamSrvOrdering.Order(srv, _randomInclusive);
        if (ordered.Count == 0)
        {
            return UpstreamResolution.Failed($"{SrvName(bare, transport)}: the domain says the service is not offered");
        }

        var destinations = new List<SipDestination>();
        foreach (var record in ordered)
        {
            var target = record.Target.TrimEnd('.');
            if (IPAddress.TryParse(target, out var targetAddress))
            {
                destinations.Add(new SipDestination(transport, new IPEndPoint(targetAddress, record.Port)));
            }
            else
            {
                foreach (var address in await _dns.QueryAddressesAsync(target, cancellationToken).ConfigureAwait(false))
                {
                    destinations.Add(new SipDestination(transport, new IPEndPoint(address, record.Port)));
                }
            }

            if (destinations.Count >= MaxDestinations)
            {
                break;
            }
        }

        return destinations.Count > 0
            ? new UpstreamResolution(destinations, null)
            : UpstreamResolution.Failed($"{SrvName(bare, transport)}: no SRV target has an address");
    }

    private async Task<UpstreamResolution> AddressesAsync(string host, int port, SipTransportKind transport, CancellationToken cancellationToken)
    {
        var addresses = await _dns.QueryAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        if (addresses.Count == 0)
        {
            return UpstreamResolution.Failed($"{host}: no A or AAAA record");
        }

        var destinations = new List<SipDestination>(Math.Min(addresses.Count, MaxDestinations));
        foreach (var address in addresses)
        {
            destinations.Add(new SipDestination(transport, new IPEndPoint(address, port)));
            if (destinations.Count >= MaxDestinations)
            {
                break;
            }
        }

        return new UpstreamResolution(destinations, null);
    }
}
