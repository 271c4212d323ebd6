using System.Net;
using FsCheck;
using FsCheck.Fluent;
using Lantern.Sip.Auth;
using Microsoft.Extensions.Time.Testing;

namespace Lantern.Sip.Tests.Auth;

public sealed class DigestAuthenticatorTests
{
    private const string Realm = "example.com";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly DigestAuthenticator _server;

    public DigestAuthenticatorTests() => _server = new DigestAuthenticator(
        new DigestServerOptions { Realm = Realm, MaxTrackedNonces = 4, Algorithms = [DigestAlgorithm.Sha256, DigestAlgorithm.Md5] }, _time);

    private static DigestSecret? Lookup(string user) => user switch
    {
        "1001" => DigestSecret.FromPassword("s3cret"),
        "1002" => DigestSecret.FromHa1(DigestHash.Ha1(DigestAlgorithm.Md5, "1002", Realm, "pw2")),
        _ => null,
    };

    private string Answer(int challengeIndex, string user, string password, uint nc = 1, string method = "REGISTER")
    {
        Assert.True(DigestChallenge.TryParse(_server.CreateChallenges()[challengeIndex], out var challenge, out _));
        return DigestClient.CreateAuthorization(challenge!, method, "sip:example.com", user, password, nc);
    }

    [Fact]
    public void CreateChallenges_DefaultOptions_Md5Only()
    {
        var server = new DigestAuthenticator(new DigestServerOptions { Realm = Realm }, _time);
        var challenges = server.CreateChallenges();
        Assert.Single(challenges);
        Assert.Contains("algorithm=MD5", challenges[0], StringComparison.Ordinal);
    }

    [Fact]
    public void CreateChallenges_Sha256AndMd5Configured_Sha256ThenMd5WithQopAuth()
    {
        var challenges = _server.CreateChallenges();
        Assert.Equal(2, challenges.Count);
        Assert.Contains("algorithm=SHA-256", challenges[0], StringComparison.Ordinal);
        Assert.Contains("algorithm=MD5", challenges[1], StringComparison.Ordinal);
        Assert.All(challenges, c => Assert.Contains("qop=\"auth\"", c, StringComparison.Ordinal));
        Assert.DoesNotContain("stale", challenges[0], StringComparison.Ordinal);
        Assert.Contains("stale=true", _server.CreateChallenges(stale: true)[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Verify_RoundTrip_Ok(int challengeIndex)
    {
        var result = _server.Verify(Answer(challengeIndex, "1001", "s3cret"), "REGISTER", Lookup);
        Assert.Equal(DigestResult.Ok, result.Result);
        Assert.Equal("1001", result.Username);
        Assert.Equal(challengeIndex == 0 ? DigestAlgorithm.Sha256 : DigestAlgorithm.Md5, result.Algorithm);
    }

    [Fact]
    public void Verify_Md5Ha1User_OkWithMd5_WrongCredentialsLikeAnUnknownUserWithSha256()
    {
        Assert.Equal(DigestResult.Ok, _server.Verify(Answer(1, "1002", "pw2"), "REGISTER", Lookup).Result);
        var ha1User = _server.Verify(Answer(0, "1002", "pw2"), "REGISTER", Lookup);
        var unknown = _server.Verify(Answer(0, "9999", "pw2"), "REGISTER", Lookup);
        Assert.Equal((DigestResult.WrongCredentials, "Wrong credentials"), (ha1User.Result, ha1User.Reason));
        Assert.Equal((ha1User.Result, ha1User.Reason), (unknown.Result, unknown.Reason));
    }

    [Fact]
    public void Verify_UriOtherThanRequestUri_MalformedNamingIt()
    {
        var value = Answer(1, "1001", "s3cret");

        var other = _server.Verify(value, "REGISTER", Lookup, requestUri: "sip:other.example.com");
        var reserialised = _server.Verify(value, "REGISTER", Lookup, requestUri: "sip:EXAMPLE.com");

        Assert.Equal((DigestResult.Malformed, "uri does not match the Request-URI"), (other.Result, other.Reason));
        Assert.Equal(DigestResult.Ok, reserialised.Result);
    }

    [Fact]
    public void Verify_NoQop_RefusedByDefault_AcceptedWhenAllowed()
    {
        Assert.True(DigestChallenge.TryParse(_server.CreateChallenges()[0], out var challenge, out _));
        var value = DigestClient.CreateAuthorization(challenge! with { QopAuth = false }, "REGISTER", "sip:example.com", "1001", "s3cret");
        var allowing = new DigestAuthenticator(new DigestServerOptions { Realm = Realm, AllowNoQop = true }, _time);
        Assert.True(DigestChallenge.TryParse(allowing.CreateChallenges()[0], out var allowed, out _));

        var refused = _server.Verify(value, "REGISTER", Lookup);

        Assert.Equal((DigestResult.Malformed, "Missing qop (qop=auth is required)"), (refused.Result, refused.Reason));
        var accepted = DigestClient.CreateAuthorization(allowed! with { QopAuth = false }, "REGISTER", "sip:example.com", "1001", "s3cret");
        Assert.Equal(DigestResult.Ok, allowing.Verify(accepted, "REGISTER", Lookup).Result);
    }

    [Fact]
    public void Verify_WrongPasswordAndUnknownUser_SameResult()
    {
        var wrong = _server.Verify(Answer(0, "1001", "nope"), "REGISTER", Lookup);
        var unknown = _server.Verify(Answer(0, "9999", "s3cret"), "REGISTER", Lookup);
        Assert.Equal(DigestResult.WrongCredentials, wrong.Result);
        Assert.Equal(wrong.Result, unknown.Result);
        Assert.Equal(wrong.Reason, unknown.Reason);
    }

    [Fact]
    public void Verify_WrongMethod_WrongCredentials() =>
        Assert.Equal(DigestResult.WrongCredentials, _server.Verify(Answer(0, "1001", "s3cret", method: "INVITE"), "REGISTER", Lookup).Result);

    [Fact]
    public void Verify_AfterLifetime_StaleOnlyWhenOtherwiseValid()
    {
        var good = Answer(0, "1001", "s3cret");
        var bad = Answer(0, "1001", "wrong");
        _time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var stale = _server.Verify(good, "REGISTER", Lookup);
        Assert.Equal(DigestResult.Stale, stale.Result);
        Assert.True(stale.ChallengeStale);
        Assert.Equal(DigestResult.WrongCredentials, _server.Verify(bad, "REGISTER", Lookup).Result);
    }

    [Fact]
    public void Verify_SameNonceCountTwice_Replayed()
    {
        var value = Answer(0, "1001", "s3cret");
        Assert.Equal(DigestResult.Ok, _server.Verify(value, "REGISTER", Lookup).Result);
        Assert.Equal(DigestResult.Replayed, _server.Verify(value, "REGISTER", Lookup).Result);
    }

    [Fact]
    public void Verify_IncreasingNonceCount_Ok()
    {
        Assert.True(DigestChallenge.TryParse(_server.CreateChallenges()[0], out var challenge, out _));
        for (uint nc = 1; nc <= 3; nc++)
        {
            var value = DigestClient.CreateAuthorization(challenge!, "REGISTER", "sip:example.com", "1001", "s3cret", nc);
            Assert.Equal(DigestResult.Ok, _server.Verify(value, "REGISTER", Lookup).Result);
        }

        var old = DigestClient.CreateAuthorization(challenge!, "REGISTER", "sip:example.com", "1001", "s3cret", 2);
        Assert.Equal(DigestResult.Replayed, _server.Verify(old, "REGISTER", Lookup).Result);
    }

    [Fact]
    public void Verify_ForgottenNonceWithHighCount_Stale()
    {
        Assert.True(DigestChallenge.TryParse(_server.CreateChallenges()[0], out var challenge, out _));
        Assert.Equal(DigestResult.Ok, _server.Verify(DigestClient.CreateAuthorization(challenge!, "REGISTER", "sip:x", "1001", "s3cret", 1), "REGISTER", Lookup).Result);
        for (var i = 0; i < 4; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(DigestResult.Ok, _server.Verify(Answer(0, "1001", "s3cret"), "REGISTER", Lookup).Result);
        }

        var replay = DigestClient.CreateAuthorization(challenge!, "REGISTER", "sip:x", "1001", "s3cret", 2);
        Assert.Equal(DigestResult.Stale, _server.Verify(replay, "REGISTER", Lookup).Result);
    }

    [Fact]
    public void Verify_CapturedAnswerReplayedAfterItsNonceWasPushedOut_Stale()
    {
        var captured = Answer(0, "1001", "s3cret");
        Assert.Equal(DigestResult.Ok, _server.Verify(captured, "REGISTER", Lookup).Result);

        // The attacker's own account answers fresh nonces until the tracker (4 here) has no room for the captured one.
        for (var i = 0; i < 8; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(DigestResult.Ok, _server.Verify(Answer(1, "1002", "pw2"), "REGISTER", Lookup).Result);
        }

        var replay = _server.Verify(captured, "REGISTER", Lookup);
        Assert.Equal(DigestResult.Stale, replay.Result);
        Assert.True(replay.ChallengeStale);
        Assert.Equal(DigestResult.Ok, _server.Verify(Answer(0, "1001", "s3cret"), "REGISTER", Lookup).Result);
    }

    [Fact]
    public void Verify_NonceFromAnotherServer_BadNonce()
    {
        var other = new DigestAuthenticator(new DigestServerOptions { Realm = Realm }, _time);
        Assert.True(DigestChallenge.TryParse(other.CreateChallenges()[0], out var challenge, out _));
        var value = DigestClient.CreateAuthorization(challenge! with { Opaque = null }, "REGISTER", "sip:x", "1001", "s3cret");
        Assert.Equal(DigestResult.BadNonce, _server.Verify(value, "REGISTER", Lookup).Result);
    }

    [Fact]
    public void Verify_SharedSecretKey_NonceAcceptedByPeerServer()
    {
        var key = new byte[32];
        var a = new DigestAuthenticator(new DigestServerOptions { Realm = Realm, SecretKey = key }, _time);
        var b = new DigestAuthenticator(new DigestServerOptions { Realm = Realm, SecretKey = key }, _time);
        Assert.True(DigestChallenge.TryParse(a.CreateChallenges()[0], out var challenge, out _));
        var value = DigestClient.CreateAuthorization(challenge!, "REGISTER", "sip:x", "1001", "s3cret");
        Assert.Equal(DigestResult.Ok, b.Verify(value, "REGISTER", Lookup).Result);
    }

    [Fact]
    public void Verify_BoundToOtherAddress_BadNonce()
    {
        var bound = new DigestAuthenticator(new DigestServerOptions { Realm = Realm, BindNonceToClientAddress = true }, _time);
        Assert.True(DigestChallenge.TryParse(bound.CreateChallenges(client: IPAddress.Parse("192.0.2.1"))[0], out var challenge, out _));
        var value = DigestClient.CreateAuthorization(challenge!, "REGISTER", "sip:x", "1001", "s3cret");
        Assert.Equal(DigestResult.BadNonce, bound.Verify(value, "REGISTER", Lookup, IPAddress.Parse("192.0.2.2")).Result);
        Assert.Equal(DigestResult.Ok, bound.Verify(value, "REGISTER", Lookup, IPAddress.Parse("192.0.2.1")).Result);
    }

    [Theory]
    [InlineData(null, DigestResult.Missing)]
    [InlineData("Basic dXNlcjpwYXNz", DigestResult.Missing)]
    [InlineData("NoOneKnowsThisScheme opaque-data=here", DigestResult.Missing)]
    [InlineData("Digest username=\"1001\", realm=\"example.com\"", DigestResult.Malformed)]
    [InlineData("Digest username=\"1001\" realm=\"example.com\"", DigestResult.Malformed)]
    [InlineData("Digest username=\"1001", DigestResult.Malformed)]
    [InlineData("Digest username=\"a\", username=\"b\"", DigestResult.Malformed)]
    [InlineData("Digest username=\"1001\", realm=\"example.com\", nonce=\"x\", uri=\"sip:x\", response=\"0\", algorithm=MD5-sess", DigestResult.UnknownAlgorithm)]
    [InlineData("Digest username=\"1001\", realm=\"example.com\", nonce=\"x\", uri=\"sip:x\", response=\"0\", qop=auth, nc=1, cnonce=\"c\"", DigestResult.Malformed)]
    [InlineData("Digest username=\"1001\", realm=\"example.com\", nonce=\"x\", uri=\"sip:x\", response=\"0\", qop=auth-int, nc=00000001, cnonce=\"c\"", DigestResult.Malformed)]
    [InlineData("Digest username=\"1001\", realm=\"example.com\", nonce=\"x\", uri=\"sip:x\", response=\"0\", qop=auth, cnonce=\"c\"", DigestResult.Malformed)]
    public void Verify_BadValues_ResultWithReason(string? value, DigestResult expected)
    {
        var result = _server.Verify(value, "REGISTER", Lookup);
        Assert.Equal(expected, result.Result);
        Assert.False(string.IsNullOrEmpty(result.Reason));
    }

    [Fact]
    public void Verify_EscapedQuotesInUsername_Parsed()
    {
        var result = _server.Verify("Digest username=\"a\\\"b\", realm=\"example.com\", nonce=\"x\", uri=\"sip:x\", response=\"0\", qop=auth, nc=00000001, cnonce=\"c\"", "REGISTER", Lookup);
        Assert.Equal("a\"b", result.Username);
        Assert.Equal(DigestResult.WrongCredentials, result.Result);
    }

    [FsCheck.Xunit.Property(MaxTest = 500)]
    public Property Verify_ArbitraryStrings_NeverThrow(string value, NonEmptyString prefix)
    {
        _server.Verify(value, "REGISTER", Lookup);
        _server.Verify("Digest " + prefix.Get + value, "REGISTER", Lookup);
        var a = DigestChallenge.TryParse(value, out var first, out var firstError);
        var b = DigestChallenge.TryParse("Digest realm=\"" + value, out var second, out var secondError);
        return (a == (first is not null) && a == (firstError is null) && b == (second is not null) && b == (secondError is null)).ToProperty();
    }
}
