using System.Net;
using Lantern.Sip.Transport;
using Lantern.Upstreams;

namespace Lantern.Tests.Upstreams;

[Trait("RFC", "3263 4")]
public sealed class UpstreamResolverTests
{
    private readonly FakeDnsLookup _dns = new();

    private UpstreamResolver Resolver => new(_dns, n => 0);

    [Theory]
    [InlineData("127.0.0.1", 0, SipTransportKind.Udp, "127.0.0.1:5060")]
    [InlineData("127.0.0.1", 5070, SipTransportKind.Tcp, "127.0.0.1:5070")]
    [InlineData("[::1]", 0, SipTransportKind.Tls, "[::1]:5061")]
    [InlineData("::1", 5080, SipTransportKind.Udp, "[::1]:5080")]
    public async Task ResolveAsync_Literal_UsedAsIsWithoutDns(string host, int port, SipTransportKind transport, string expected)
    {
        var result = await Resolver.ResolveAsync(host, port, transport, CancellationToken.None);

        Assert.Equal(expected, Assert.Single(result.Destinations).Remote.ToString());
        Assert.Equal(transport, result.Destinations[0].Transport);
        Assert.Empty(_dns.Queries);
    }

    [Fact]
    public async Task ResolveAsync_NameWithPort_AddressRecordsOnly()
    {
        _dns.Srv["_sip._udp.mwi.example.net"] = [new("sip1.example.net", 5090, 0, 0)];
        _dns.Addresses["mwi.example.net"] = [IPAddress.Parse("192.0.2.7"), IPAddress.Parse("2001:db8::7")];

        var result = await Resolver.ResolveAsync("mwi.example.net", 5071, SipTransportKind.Udp, CancellationToken.None);

        Assert.Equal(["192.0.2.7:5071", "[2001:db8::7]:5071"], result.Destinations.Select(d => d.Remote.ToString()));
        Assert.Equal(["A/AAAA mwi.example.net"], _dns.Queries);
    }

    [Theory]
    [InlineData(SipTransportKind.Udp, "_sip._udp.example.com")]
    [InlineData(SipTransportKind.Tcp, "_sip._tcp.example.com")]
    [InlineData(SipTransportKind.Tls, "_sips._tcp.example.com")]
    public async Task ResolveAsync_NameWithoutPort_QueriesSrvForTheTransport(SipTransportKind transport, string srvName)
    {
        _dns.Srv[srvName] = [new("sip.example.com", 5099, 10, 0)];
        _dns.Addresses["sip.example.com"] = [IPAddress.Parse("192.0.2.9")];

        var result = await Resolver.ResolveAsync("example.com", 0, transport, CancellationToken.None);

        Assert.Equal("192.0.2.9:5099", Assert.Single(result.Destinations).Remote.ToString());
        Assert.Equal("SRV " + srvName, _dns.Queries[0]);
    }

    [Fact]
    public async Task ResolveAsync_Srv_OrderedByPriority()
    {
        _dns.Srv["_sip._udp.example.com"] = [new("backup.example.com", 5060, 20, 0), new("primary.example.com", 5062, 10, 0)];
        _dns.Addresses["primary.example.com"] = [IPAddress.Parse("192.0.2.1")];
        _dns.Addresses["backup.example.com"] = [IPAddress.Parse("192.0.2.2")];

        var result = await Resolver.ResolveAsync("example.com", 0, SipTransportKind.Udp, CancellationToken.None);

        Assert.Equal(["192.0.2.1:5062", "192.0.2.2:5060"], result.Destinations.Select(d => d.Remote.ToString()));
    }

    [Fact]
    public async Task ResolveAsync_NoSrv_FallsBackToAddressesOnDefaultPort()
    {
        _dns.Addresses["example.com"] = [IPAddress.Parse("192.0.2.3")];

        var result = await Resolver.ResolveAsync("example.com", 0, SipTransportKind.Tls, CancellationToken.None);

        Assert.Equal("192.0.2.3:5061", Assert.Single(result.Destinations).Remote.ToString());
        Assert.Equal(["SRV _sips._tcp.example.com", "A/AAAA example.com"], _dns.Queries);
    }

    [Fact]
    public async Task ResolveAsync_SrvSaysNotOffered_FailsWithoutFallback()
    {
        _dns.Srv["_sip._udp.example.com"] = [new(".", 0, 0, 0)];
        _dns.Addresses["example.com"] = [IPAddress.Parse("192.0.2.3")];

        var result = await Resolver.ResolveAsync("example.com", 0, SipTransportKind.Udp, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains("not offered", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveAsync_UnknownName_FailsNamingIt()
    {
        var result = await Resolver.ResolveAsync("nowhere.invalid", 5060, SipTransportKind.Udp, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal("nowhere.invalid: no A or AAAA record", result.Error);
    }
}
