using Lantern.Configuration;

namespace Lantern.Tests.Configuration;

public sealed class UpstreamLineTests
{
    [Theory]
    [InlineData("1234@provider.example.com/1234", "1234", null, null, "provider.example.com", 0, "1234")]
    [InlineData("1234:password@provider.example.com/1234", "1234", "password", null, "provider.example.com", 0, "1234")]
    [InlineData("1234:pw:auth1234@mwi.example.net:5061/9999", "1234", "pw", "auth1234", "mwi.example.net", 5061, "9999")]
    [InlineData("u:p@ss@word@192.0.2.1/mb", "u", "p@ss@word", null, "192.0.2.1", 0, "mb")]
    [InlineData("u:pw:auth:extra@host/mb", "u", "pw", "auth:extra", "host", 0, "mb")]
    [InlineData("u::auth@host/mb", "u", null, "auth", "host", 0, "mb")]
    [InlineData("u@host:65535/a/b", "u", null, null, "host", 65535, "a/b")]
    [InlineData("u@[2001:db8::1]:5070/mb", "u", null, null, "2001:db8::1", 5070, "mb")]
    public void TryParse_ValidLines_SplitsAsAsterisk(string line, string user, string? secret, string? authUser, string host, int port, string mailbox)
    {
        Assert.True(UpstreamLine.TryParse(line, out var u, out var error), error);
        Assert.Equal(user, u.User);
        Assert.Equal(secret, u.Secret);
        Assert.Equal(authUser, u.AuthUser);
        Assert.Equal(host, u.Host);
        Assert.Equal(port, u.Port);
        Assert.Equal(mailbox, u.Mailbox);
        Assert.Equal("udp", u.Transport);
        Assert.Equal("SIP_Remote", u.Context);
        Assert.Equal(3600, u.Expires);
        Assert.DoesNotContain(secret ?? "\u0001", u.Name, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("host/1234", "no '@'")]
    [InlineData("@host/1234", "user is empty")]
    [InlineData("1234@host", "no mailbox")]
    [InlineData("1234@host/", "no mailbox")]
    [InlineData("1234@/mb", "host is empty")]
    [InlineData("1234@:5060/mb", "host is empty")]
    [InlineData("1234@host:0/mb", "port \"0\"")]
    [InlineData("1234@host:65536/mb", "port \"65536\"")]
    [InlineData("1234@host:/mb", "port \"\"")]
    [InlineData("1234@host:50x/mb", "port \"50x\"")]
    [InlineData("1234@[::1/mb", "unterminated")]
    public void TryParse_BadLines_NamesLineAndProblem(string line, string problem)
    {
        Assert.False(UpstreamLine.TryParse(line, out _, out var error));
        Assert.Contains(problem, error, StringComparison.Ordinal);
        Assert.Contains("invalid upstream line", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_BadLine_MasksSecret()
    {
        Assert.False(UpstreamLine.TryParse("1234:topsecret:auth@host:99999/mb", out _, out var error));
        Assert.DoesNotContain("topsecret", error, StringComparison.Ordinal);
        Assert.Contains("1234:***:auth@host:99999/mb", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1234@host/mb")]
    [InlineData("1234:pw@host:5062/mb")]
    [InlineData("1234:pw:au@[2001:db8::1]:5062/mb")]
    [InlineData("1234::au@host/mb")]
    public void Format_RoundTrips(string line)
    {
        Assert.True(UpstreamLine.TryParse(line, out var u, out _));
        Assert.Equal(line, UpstreamLine.Format(u));
    }
}
