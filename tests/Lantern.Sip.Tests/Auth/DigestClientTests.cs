using Lantern.Sip.Auth;

namespace Lantern.Sip.Tests.Auth;

public sealed class DigestClientTests
{
    private const string Rfc2617Challenge =
        "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";

    [Fact]
    [Trait("RFC", "2617 §3.5")]
    public void CreateAuthorization_Rfc2617Example_ResponseMatches()
    {
        Assert.True(DigestChallenge.TryParse(Rfc2617Challenge, out var challenge, out _));
        var value = DigestClient.CreateAuthorization(challenge!, "GET", "/dir/index.html", "Mufasa", "Circle Of Life", 1, "0a4f113b");
        Assert.Contains("response=\"6629fae49393a05397450978507c4ef1\"", value, StringComparison.Ordinal);
        Assert.Contains("nc=00000001", value, StringComparison.Ordinal);
        Assert.Contains("opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"", value, StringComparison.Ordinal);
    }

    [Theory]
    [Trait("RFC", "7616 §3.9.1")]
    [InlineData("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")]
    [InlineData("MD5", "8ca523f5e9506fed4657c9700eebdbec")]
    public void CreateAuthorization_Rfc7616Example_ResponseMatches(string algorithm, string expected)
    {
        var header = $"Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm={algorithm}, " +
            "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
        Assert.True(DigestChallenge.TryParse(header, out var challenge, out _));
        var value = DigestClient.CreateAuthorization(challenge!, "GET", "/dir/index.html", "Mufasa", "Circle of Life", 1, "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ");
        Assert.Contains($"response=\"{expected}\"", value, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateAuthorization_NoQop_Rfc2069Form()
    {
        Assert.True(DigestChallenge.TryParse("Digest realm=\"r\", nonce=\"n\"", out var challenge, out _));
        var value = DigestClient.CreateAuthorization(challenge!, "SUBSCRIBE", "sip:a@b", "u", "p");
        var ha1 = DigestHash.Ha1(DigestAlgorithm.Md5, "u", "r", "p");
        Assert.Contains($"response=\"{DigestHash.Response(DigestAlgorithm.Md5, ha1, "n", null, null, null, "SUBSCRIBE", "sip:a@b")}\"", value, StringComparison.Ordinal);
        Assert.DoesNotContain("nc=", value, StringComparison.Ordinal);
    }

    [Fact]
    public void SelectBest_Md5AndSha256_PrefersSha256()
    {
        var best = DigestChallenge.SelectBest(["Digest realm=\"r\", nonce=\"n\", algorithm=MD5", "Digest realm=\"r\", nonce=\"n\", algorithm=SHA-256", "Basic realm=\"x\""]);
        Assert.Equal(DigestAlgorithm.Sha256, best!.Algorithm);
    }

    [Theory]
    [InlineData("Basic realm=\"x\"")]
    [InlineData("Digest nonce=\"n\"")]
    [InlineData("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512-256")]
    [InlineData("Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\"")]
    [InlineData("Digest realm=\"r, nonce=\"n\"")]
    public void TryParse_Unusable_FalseWithReason(string value)
    {
        Assert.False(DigestChallenge.TryParse(value, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }
}
