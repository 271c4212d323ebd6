using System.Net;
using Lantern.Sip.Transport;
using static Lantern.Sip.Tests.Transport.TransportTestSupport;

namespace Lantern.Sip.Tests.Transport;

public sealed class SipTransportManagerLocalForTests
{
    private static bool IsWildcard(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    [Theory]
    [InlineData(SipTransportKind.Udp)]
    [InlineData(SipTransportKind.Tcp)]
    public async Task LocalFor_WildcardListener_RoutedAddressAndListenerPort(SipTransportKind kind)
    {
        await using var manager = await StartAsync(new RecordingReceiver(), new SipTransportOptions { Listeners = [Listener(kind, IPAddress.Any)] });
        var local = manager.LocalFor(new SipDestination(kind, new IPEndPoint(IPAddress.Loopback, 5099)));
        Assert.Equal(IPAddress.Loopback, local.Local.Address);
        Assert.Equal(manager.EndPoint(kind).Port, local.Local.Port);
    }

    [Fact]
    public async Task LocalFor_MappedIpv4Destination_UsesIpv4Listener()
    {
        await using var manager = await StartAsync(new RecordingReceiver(), new SipTransportOptions { Listeners = [Listener(SipTransportKind.Udp, IPAddress.Any)] });
        var local = manager.LocalFor(new SipDestination(SipTransportKind.Udp, new IPEndPoint(IPAddress.Loopback.MapToIPv6(), 5099)));
        Assert.Equal(IPAddress.Loopback, local.Local.Address);
        Assert.Equal(manager.EndPoint(SipTransportKind.Udp).Port, local.Local.Port);
        Assert.Equal(IPAddress.Loopback, local.Remote.Address);
    }

    [Fact]
    public async Task LocalFor_NoListenerOfThatFamily_NoWildcardAndAListeningPort()
    {
        await using var manager = await StartAsync(new RecordingReceiver(), new SipTransportOptions { Listeners = [Listener(SipTransportKind.Udp, IPAddress.Any)] });
        var local = manager.LocalFor(new SipDestination(SipTransportKind.Udp, new IPEndPoint(IPAddress.IPv6Loopback, 5099)));
        Assert.False(IsWildcard(local.Local.Address), local.Local.ToString());
        Assert.Equal(manager.EndPoint(SipTransportKind.Udp).Port, local.Local.Port);
    }

    [Fact]
    public async Task LocalFor_ManyDestinations_NeverWildcard()
    {
        await using var manager = await StartAsync(new RecordingReceiver(), new SipTransportOptions
        {
            Listeners = [Listener(SipTransportKind.Udp, IPAddress.Any), Listener(SipTransportKind.Tcp, IPAddress.Any)],
        });
        IPAddress[] destinations =
        [
            IPAddress.Loopback, IPAddress.Parse("192.0.2.1"), IPAddress.Parse("10.255.255.1"), IPAddress.Any, IPAddress.IPv6Loopback,
            IPAddress.Parse("2001:db8::1"), IPAddress.IPv6Any, IPAddress.Parse("198.51.100.7").MapToIPv6(),
        ];
        foreach (var address in destinations)
        {
            foreach (var kind in new[] { SipTransportKind.Udp, SipTransportKind.Tcp })
            {
                var local = manager.LocalFor(new SipDestination(kind, new IPEndPoint(address, 5060)));
                Assert.False(IsWildcard(local.Local.Address), $"{kind} to {address}: {local.Local}");
                Assert.NotEqual(0, local.Local.Port);
            }
        }
    }
}
