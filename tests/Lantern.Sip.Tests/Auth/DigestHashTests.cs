using Lantern.Sip.Auth;

namespace Lantern.Sip.Tests.Auth;

public sealed class DigestHashTests
{
    [Fact]
    [Trait("RFC", "2617 §3.5")]
    public void Response_Rfc2617Example_Matches()
    {
        var ha1 = DigestHash.Ha1(DigestAlgorithm.Md5, "Mufasa", "testrealm@host.com", "Circle Of Life");
        var response = DigestHash.Response(DigestAlgorithm.Md5, ha1, "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001", "0a4f113b", "auth", "GET", "/dir/index.html");
        Assert.Equal("6629fae49393a05397450978507c4ef1", response);
    }

    [Theory]
    [Trait("RFC", "7616 §3.9.1")]
    [InlineData(DigestAlgorithm.Md5, "8ca523f5e9506fed4657c9700eebdbec")]
    [InlineData(DigestAlgorithm.Sha256, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")]
    public void Response_Rfc7616Example_Matches(DigestAlgorithm algorithm, string expected)
    {
        var ha1 = DigestHash.Ha1(algorithm, "Mufasa", "http-auth@example.org", "Circle of Life");
        var response = DigestHash.Response(
            algorithm, ha1, "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "00000001",
            "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", "auth", "GET", "/dir/index.html");
        Assert.Equal(expected, response);
    }

    [Fact]
    public void HexEquals_DifferentCase_Equal() => Assert.True(DigestHash.HexEquals("abcdef01", "ABCDEF01"));

    [Fact]
    public void HexEquals_DifferentLength_NotEqual() => Assert.False(DigestHash.HexEquals("abcdef01", "abcdef0"));
}
