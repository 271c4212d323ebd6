using Lantern.Sip.Messages;

namespace Lantern.Sip.Tests.Messages;

public sealed class SipUriTests
{
    [Fact]
    public void TryParse_FullSipUri_AllParts()
    {
        Assert.True(SipUri.TryParse("sips:1234%40sales:secret@pbx.example.com:5061;transport=tls;lr?subject=hi&priority=urgent", out var u));
        Assert.Equal(SipUriScheme.Sips, u!.Scheme);
        Assert.Equal("1234@sales", u.User);
        Assert.Equal("secret", u.Password);
        Assert.Equal("pbx.example.com", u.Host);
        Assert.Equal(5061, u.Port);
        Assert.Equal("tls", u.GetParameter("transport"));
        Assert.True(u.HasParameter("lr"));
        Assert.Null(u.GetParameter("lr"));
        Assert.Equal(2, u.Headers.Count);
        Assert.Equal("subject", u.Headers[0].Key);
        Assert.Equal("hi", u.Headers[0].Value);
    }

    [Fact]
    public void TryParse_IPv4AndIPv6Hosts()
    {
        Assert.True(SipUri.TryParse("sip:alice@192.0.2.4", out var v4));
        Assert.Equal("192.0.2.4", v4!.Host);
        Assert.Equal(0, v4.Port);
        Assert.True(SipUri.TryParse("sip:[2001:db8::1]:5070;transport=tcp", out var v6));
        Assert.True(v6!.IsIPv6);
        Assert.Equal("2001:db8::1", v6.Host);
        Assert.Equal(5070, v6.Port);
        Assert.Null(v6.User);
        Assert.Equal("sip:[2001:db8::1]:5070;transport=tcp", v6.ToString());
    }

    [Fact]
    public void TryParse_Tel_NumberAndParameters()
    {
        Assert.True(SipUri.TryParse("tel:+1-201-555-0123;phone-context=example.com", out var t));
        Assert.Equal(SipUriScheme.Tel, t!.Scheme);
        Assert.Equal("+1-201-555-0123", t.User);
        Assert.Equal("example.com", t.GetParameter("phone-context"));
    }

    [Fact]
    public void TryParse_OtherScheme_KeptAsOther()
    {
        Assert.True(SipUri.TryParse("http://example.com/x", out var o));
        Assert.Equal(SipUriScheme.Other, o!.Scheme);
        Assert.Equal("http", o.SchemeText);
    }

    [Theory]
    [InlineData("")]
    [InlineData("sip:")]
    [InlineData("sip:@host")]
    [InlineData("sip:user@")]
    [InlineData("sip:host:99999")]
    [InlineData("sip:host:")]
    [InlineData("sip:[::1")]
    [InlineData("sip:bad%zzuser@host")]
    [InlineData("sip:ho st")]
    [InlineData("nocolon")]
    [InlineData("1sip:host")]
    public void TryParse_Malformed_False(string text) => Assert.False(SipUri.TryParse(text, out _));

    [Fact]
    public void ToString_EscapesUser_RoundTrips()
    {
        var u = SipUri.Create("1234@sales", "example.com", 5060);
        Assert.Equal("sip:1234%40sales@example.com:5060", u.ToString());
        Assert.True(SipUri.TryParse(u.ToString(), out var back));
        Assert.Equal("1234@sales", back!.User);
    }

    [Fact]
    public void NameAddress_QuotedDisplayNameWithEscapes()
    {
        Assert.True(SipNameAddress.TryParse("\"Bob \\\"The Builder\\\" <x>\" <sip:bob@example.com>;tag=99;x=y", out var a));
        Assert.Equal("Bob \"The Builder\" <x>", a!.DisplayName);
        Assert.Equal("bob", a.Uri.User);
        Assert.Equal("99", a.Tag);
        Assert.Equal("y", a.GetParameter("x"));
        Assert.True(SipNameAddress.TryParse(a.ToString(), out var back));
        Assert.Equal(a.DisplayName, back!.DisplayName);
    }

    [Fact]
    public void NameAddress_AddrSpec_ParametersBelongToHeader()
    {
        Assert.True(SipNameAddress.TryParse("sip:bob@example.com;tag=5", out var a));
        Assert.Equal("5", a!.Tag);
        Assert.Empty(a.Uri.Parameters);
    }

    [Theory]
    [InlineData("<sip:bob@example.com")]
    [InlineData("\"unterminated <sip:a@b>")]
    [InlineData("<sip:a@b> garbage")]
    [InlineData("bob example")]
    public void NameAddress_Malformed_False(string text) => Assert.False(SipNameAddress.TryParse(text, out _));
}
