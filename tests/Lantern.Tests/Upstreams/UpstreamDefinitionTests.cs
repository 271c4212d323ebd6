using Lantern.Configuration;
using Lantern.Sip.Transport;
using Lantern.Upstreams;

namespace Lantern.Tests.Upstreams;

public sealed class UpstreamDefinitionTests
{
    [Fact]
    public void TryCreate_Line_UserAuthUserAndRequestUri()
    {
        Assert.True(UpstreamLine.TryParse("1234:pw:auth1234@provider.example.com/1234", out var options, out _));

        Assert.True(UpstreamDefinition.TryCreate(options, out var d, out var error), error);

        Assert.Equal("sip:1234@provider.example.com", d.RequestUri);
        Assert.Equal("sip:auth1234@provider.example.com", d.FromUri);
        Assert.Equal("auth1234", d.AuthUser);
        Assert.Equal(0, d.Port);
        Assert.Equal(SipTransportKind.Udp, d.Transport);
        Assert.Equal("1234@SIP_Remote", d.Mailbox.ToString());
        Assert.Equal("upstream:1234@provider.example.com/1234", d.Source.ToString());
    }

    [Fact]
    public void TryCreate_StructuredIPv6Tls_BracketsTheHost()
    {
        var options = new UpstreamOptions { Name = "v6", User = "u", Host = "[2001:db8::1]", Port = 5061, Transport = "TLS", Mailbox = "9", Context = "prov" };

        Assert.True(UpstreamDefinition.TryCreate(options, out var d, out var error), error);

        Assert.Equal("sip:u@[2001:db8::1]:5061", d.RequestUri);
        Assert.Equal(SipTransportKind.Tls, d.Transport);
        Assert.Equal("9@prov", d.Mailbox.ToString());
    }

    [Theory]
    [InlineData("sctp", "", "unknown transport")]
    [InlineData("udp", "bad mailbox", "invalid mailbox")]
    public void TryCreate_Bad_NamesTheProblem(string transport, string mailbox, string expected)
    {
        var options = new UpstreamOptions { Name = "x", User = "u", Host = "h", Transport = transport, Mailbox = mailbox.Length == 0 ? "1" : mailbox };

        Assert.False(UpstreamDefinition.TryCreate(options, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
