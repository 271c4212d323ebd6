using System.Net;
using Lantern.Configuration;
using Lantern.Sip.Messages;

namespace Lantern.Tests.Phones;

/// <summary>Issue 10's authentication items, through the real stack and phones module: in-dialog requests from elsewhere,
/// enumeration through the algorithm, the digest uri, the ban that a success must not reset, and maxContacts.</summary>
public sealed class PhonesAuthTests
{
    private static readonly IPEndPoint Attacker = new(IPAddress.Parse("203.0.113.9"), 5062);

    /// <summary>MD5("1003:example.com:pw1003"): endpoint 1003 is stored as an HA1 only.</summary>
    private const string Ha1Of1003 = "0b9c2d58cc19600580ed51912ca9a4bf";

    private static async Task<string> SubscribeWithDigestAsync(PhonesSipHarness h, string callId)
    {
        h.Receive(h.Subscribe("1001", callId));
        var challenge = await h.ResponseAsync(callId);
        h.Receive(h.Subscribe("1001", callId, cseq: 2, authorization: PhonesSipHarness.Authorize(challenge, "SUBSCRIBE", "sip:1001@example.com", "1001", "secret1001")));
        var ok = await h.ResponseAsync(callId);
        Assert.Equal(200, ok.StatusCode);
        await h.NotifyAsync(callId);
        return ok.ToTag!;
    }

    [Fact]
    public async Task InDialogSubscribe_FromAnotherAddress_ChallengedOrForbiddenAndSubscriptionUnchanged()
    {
        await using var h = await PhonesSipHarness.StartAsync();
        var tag = await SubscribeWithDigestAsync(h, "id1");

        h.Receive(h.Subscribe("1001", "id1", cseq: 3, toTag: tag, expires: "0"), Attacker);
        var challenge = await h.ResponseAsync("id1");
        Assert.Equal(401, challenge.StatusCode);
        h.Receive(h.Subscribe("1001", "id1", cseq: 4, toTag: tag, expires: "0", authorization: PhonesSipHarness.Authorize(challenge, "SUBSCRIBE", "sip:1001@example.com", "1002", "secret1002")), Attacker);
        var forbidden = await h.ResponseAsync("id1");
        Assert.Equal((403, "Not Your Subscription"), (forbidden.StatusCode, forbidden.ReasonPhrase));
        var unchanged = Assert.Single(h.Module.Status.ListSubscriptions());
        Assert.Equal(("active", h.F.Time.GetUtcNow().AddSeconds(600)), (unchanged.State, unchanged.ExpiresAt));

        // The subscriber's own flow needs no credentials; the owner from a new address does.
        h.Receive(h.Subscribe("1001", "id1", cseq: 5, toTag: tag, expires: "3600"));
        Assert.Equal("3600", (await h.ResponseAsync("id1")).GetHeader(SipHeaderId.Expires));
        Assert.Equal("active;expires=3600", (await h.NotifyAsync("id1")).GetHeader(SipHeaderId.SubscriptionState));
        h.Receive(h.Subscribe("1001", "id1", cseq: 6, toTag: tag, expires: "0", authorization: PhonesSipHarness.Authorize(challenge, "SUBSCRIBE", "sip:1001@example.com", "1001", "secret1001", nonceCount: 2)), Attacker);
        Assert.Equal(200, (await h.ResponseAsync("id1")).StatusCode);
        Assert.Equal("terminated", (await h.NotifyAsync("id1")).GetHeader(SipHeaderId.SubscriptionState));
    }

    [Fact]
    public async Task Sha256AnswerForHa1Endpoint_SameForbiddenAsUnknownUserAndCountedForTheBan()
    {
        await using var h = await PhonesSipHarness.StartAsync(o =>
        {
            o.Sip.AuthFailures.Limit = 2;
            o.Sip.DigestAlgorithms = ["SHA-256", "MD5"];
            o.Endpoints.Add(new EndpointOptions { Id = "1003", Ha1 = Ha1Of1003, Mailboxes = ["1003@default"] });
        });

        // The HA1 endpoint itself is offered MD5 alone (decision 0007); the prober takes a SHA-256 challenge made for an unknown user.
        h.Receive(h.Subscribe("1003", "e1", fromUser: "9999"));
        var challenge = await h.ResponseAsync("e1");

        h.Receive(h.Subscribe("1003", "e1", cseq: 2, fromUser: "1003", authorization: PhonesSipHarness.Authorize(challenge, "SUBSCRIBE", "sip:1003@example.com", "1003", "pw1003", index: 0)));
        var ha1User = await h.ResponseAsync("e1");
        h.Receive(h.Subscribe("1003", "e2", cseq: 2, fromUser: "1003", authorization: PhonesSipHarness.Authorize(challenge, "SUBSCRIBE", "sip:1003@example.com", "7777", "pw1003", index: 0, nonceCount: 2)));
        var unknown = await h.ResponseAsync("e2");
        h.Receive(h.Subscribe("1001", "e3"));
        var afterTwo = await h.ResponseAsync("e3");

        Assert.Equal((403, "Forbidden"), (ha1User.StatusCode, ha1User.ReasonPhrase));
        Assert.Equal((403, "Forbidden"), (unknown.StatusCode, unknown.ReasonPhrase));
        Assert.Equal(403, afterTwo.StatusCode);
        Assert.Empty(afterTwo.GetHeaders(SipHeaderId.WwwAuthenticate));
    }

    [Fact]
    public async Task DigestUriNamingAnotherRequestUri_400NamingIt()
    {
        await using var h = await PhonesSipHarness.StartAsync();
        h.Receive(h.Subscribe("1001", "u1"));
        var challenge = await h.ResponseAsync("u1");

        h.Receive(h.Subscribe("1001", "u1", cseq: 2, authorization: PhonesSipHarness.Authorize(challenge, "SUBSCRIBE", "sip:1002@example.com", "1001", "secret1001")));

        var answer = await h.ResponseAsync("u1");
        Assert.Equal((400, "Malformed Authorization: uri does not match the Request-URI"), (answer.StatusCode, answer.ReasonPhrase));
    }

    [Fact]
    public async Task OwnLoginBetweenGuesses_BanStillComes()
    {
        await using var h = await PhonesSipHarness.StartAsync(o => o.Sip.AuthFailures.Limit = 3);
        h.Receive(h.Subscribe("1001", "b0"));
        var challenge = await h.ResponseAsync("b0");
        uint nc = 0;
        string Guess(string user, string password) => PhonesSipHarness.Authorize(challenge, "SUBSCRIBE", "sip:1001@example.com", user, password, nonceCount: ++nc);

        h.Receive(h.Subscribe("1001", "b1", cseq: 2, authorization: Guess("1001", "guess1")));
        h.Receive(h.Subscribe("1001", "b2", cseq: 2, authorization: Guess("1001", "guess2")));
        Assert.Equal(403, (await h.ResponseAsync("b2")).StatusCode);
        h.Receive(h.Subscribe("1002", "b3", fromUser: "1002"));
        var own = await h.ResponseAsync("b3");
        h.Receive(h.Subscribe("1002", "b3", cseq: 2, fromUser: "1002", authorization: PhonesSipHarness.Authorize(own, "SUBSCRIBE", "sip:1002@example.com", "1002", "secret1002")));
        Assert.Equal(200, (await h.ResponseAsync("b3")).StatusCode);
        h.Receive(h.Subscribe("1001", "b4", cseq: 2, authorization: Guess("1001", "guess3")));
        Assert.Equal(403, (await h.ResponseAsync("b4")).StatusCode);

        h.Receive(h.Subscribe("1001", "b5"));
        var banned = await h.ResponseAsync("b5");
        Assert.Equal(403, banned.StatusCode);
        Assert.Empty(banned.GetHeaders(SipHeaderId.WwwAuthenticate));
    }

    [Fact]
    public async Task GuessesForOneUserFromManyAddresses_UserLockedButItsOwnPhoneStillServed()
    {
        await using var h = await PhonesSipHarness.StartAsync(o => o.Sip.AuthFailures.UserLimit = 2);
        const string Contact = "<sip:1001@192.0.2.7:5062>";
        h.Receive(h.Register("1001", "l0", 1, Contact));
        var challenge = await h.ResponseAsync("l0");
        string As(string password, uint nc) => PhonesSipHarness.Authorize(challenge, "REGISTER", "sip:example.com", "1001", password, nonceCount: nc);
        h.Receive(h.Register("1001", "l0", 2, Contact, authorization: As("secret1001", 1)));
        Assert.Equal(200, (await h.ResponseAsync("l0")).StatusCode);

        h.Receive(h.Register("1001", "l1", 1, Contact, authorization: As("guess1", 2)), new IPEndPoint(IPAddress.Parse("203.0.113.1"), 5060));
        h.Receive(h.Register("1001", "l2", 1, Contact, authorization: As("guess2", 2)), new IPEndPoint(IPAddress.Parse("203.0.113.2"), 5060));
        Assert.Equal(403, (await h.ResponseAsync("l1")).StatusCode);
        Assert.Equal(403, (await h.ResponseAsync("l2")).StatusCode);
        h.Receive(h.Register("1001", "l3", 1, Contact, authorization: As("secret1001", 3)), new IPEndPoint(IPAddress.Parse("203.0.113.3"), 5060));

        // l3 is answered before l4 is sent: the two Call-IDs may run on different shards, and nc=4 seen first would make
        // l3's nc=3 a replay.
        Assert.Equal(403, (await h.ResponseAsync("l3")).StatusCode);
        h.Receive(h.Register("1001", "l4", 1, Contact, authorization: As("secret1001", 4)));
        Assert.Equal(200, (await h.ResponseAsync("l4")).StatusCode);
    }

    [Fact]
    public async Task Register_MoreContactsThanEndpointMaxContacts_403NamingTheLimit()
    {
        await using var h = await PhonesSipHarness.StartAsync(o => o.Endpoints[0].MaxContacts = 1);
        h.Receive(h.Register("1001", "m1", 1, "<sip:1001@192.0.2.7:5062>"));
        var challenge = await h.ResponseAsync("m1");

        h.Receive(h.Register("1001", "m1", 2, "<sip:a@192.0.2.7:5062>, <sip:b@192.0.2.7:5062>", authorization: PhonesSipHarness.Authorize(challenge, "REGISTER", "sip:example.com", "1001", "secret1001")));

        var answer = await h.ResponseAsync("m1");
        Assert.Equal((403, "Too Many Contacts (maxContacts 1)"), (answer.StatusCode, answer.ReasonPhrase));
    }
}
