using Lantern.Sip.Transport;
using Lantern.Upstreams;

namespace Lantern.Tests.Upstreams;

[Trait("RFC", "3261 8.1.2")]
public sealed class UpstreamSipClientTests
{
    private static UpstreamSubscribeRequest Request(string? proxy = null, IReadOnlyList<string>? routes = null, string? remoteTag = null, string? remoteTarget = null) =>
        new(UpstreamHarness.Definition() with { OutboundProxy = proxy, Host = "mwi.example.net", Port = 0 }, "sip:mwi@mwi.example.net", "c", "l", remoteTag, 1, 3600, remoteTarget, routes ?? [], null, false);

    [Fact]
    public void NextHop_Initial_TheUpstreamItself()
    {
        Assert.Equal(("mwi.example.net", 0, SipTransportKind.Udp, (string?)null), UpstreamSipClient.NextHop(Request()));
    }

    [Theory]
    [InlineData("proxy.example.net:5070", "proxy.example.net", 5070, SipTransportKind.Udp)]
    [InlineData("sip:proxy.example.net;transport=tcp", "proxy.example.net", 0, SipTransportKind.Tcp)]
    [InlineData("<sip:192.0.2.50:5080;lr>", "192.0.2.50", 5080, SipTransportKind.Udp)]
    public void NextHop_OutboundProxy_WinsOverTheTarget(string proxy, string host, int port, SipTransportKind transport)
    {
        var hop = UpstreamSipClient.NextHop(Request(proxy, remoteTag: "r", remoteTarget: "sip:elsewhere.example.net"));

        Assert.Equal((host, port, transport, (string?)null), hop);
    }

    [Fact]
    public void NextHop_RouteSet_FirstRouteWins()
    {
        var hop = UpstreamSipClient.NextHop(Request("proxy.example.net", ["<sip:rr1.example.net:5062;lr>", "<sip:rr2.example.net;lr>"], "r", "sip:t.example.net"));

        Assert.Equal(("rr1.example.net", 5062, SipTransportKind.Udp, (string?)null), hop);
    }

    [Fact]
    public void NextHop_InDialogWithoutRoutes_TheRemoteTarget()
    {
        var hop = UpstreamSipClient.NextHop(Request(remoteTag: "r", remoteTarget: "sip:upstream@192.0.2.9:5099;transport=tcp"));

        Assert.Equal(("192.0.2.9", 5099, SipTransportKind.Tcp, (string?)null), hop);
    }

    [Fact]
    public void NextHop_UnusableProxy_NamesIt()
    {
        var hop = UpstreamSipClient.NextHop(Request("sip:"));

        Assert.Contains("unusable outbound proxy", hop.Error, StringComparison.Ordinal);
    }
}
