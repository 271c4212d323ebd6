using System.Net;
using Lantern.Phones;
using Lantern.Sip.Messages;

namespace Lantern.Tests.Phones;

public sealed class PhonesModuleTests
{
    [Fact]
    public async Task Subscribe_FromTrustedProxy_200ThenNotifyFollowingTheDialog()
    {
        await using var h = await PhonesSipHarness.StartAsync();
        await h.F.SetAsync("1001", 2, 8);

        h.Receive(h.Subscribe("1001", "t1"), PhonesSipHarness.Proxy);

        var ok = await h.ResponseAsync("t1");
        Assert.Equal(200, ok.StatusCode);
        Assert.Equal("600", ok.GetHeader(SipHeaderId.Expires));
        Assert.NotNull(ok.GetHeader(SipHeaderId.Contact));
        var notify = await h.NotifyAsync("t1");
        Assert.Equal("sip:1001@192.0.2.7:5062", notify.RequestUriText);
        Assert.Equal("from-t1", notify.ToTag);
        Assert.Equal(ok.ToTag, notify.FromTag);
        Assert.Equal("active;expires=600", notify.GetHeader(SipHeaderId.SubscriptionState));
        Assert.Equal("message-summary", notify.GetHeader(SipHeaderId.Event));
        Assert.Equal("application/simple-message-summary", notify.ContentType);
        Assert.Equal("Messages-Waiting: yes\r\nMessage-Account: sip:*97@example.com\r\nVoice-Message: 2/8 (0/0)\r\n", PhonesSipHarness.Body(notify));

        await h.F.SetAsync("1001", 0, 10);

        var next = await h.NotifyAfterAsync("t1", notify);
        Assert.StartsWith("Messages-Waiting: no\r\n", PhonesSipHarness.Body(next), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notify_TcpFlowGone_RetriedAtTheRemoteTarget()
    {
        await using var h = await PhonesSipHarness.StartAsync();
        await h.F.SetAsync("1001", 1, 0);
        var ephemeral = new IPEndPoint(PhonesSipHarness.Proxy.Address, 40123);
        h.ReceiveTcp(h.Subscribe("1001", "tcp1").Replace("SIP/2.0/UDP", "SIP/2.0/TCP", StringComparison.Ordinal), ephemeral, 77);
        Assert.Equal(200, (await h.ResponseAsync("tcp1")).StatusCode);
        var first = await h.NotifyAsync("tcp1");

        // The connection is gone (as after a restart) and nothing listens on the phone's source port any more.
        h.FailSendTo = d => d.Remote.Port == ephemeral.Port;
        await h.F.SetAsync("1001", 3, 0);

        var next = await h.NotifyAfterAsync("tcp1", first);
        Assert.StartsWith("Messages-Waiting: yes\r\n", PhonesSipHarness.Body(next), StringComparison.Ordinal);
        Assert.Contains("3/0", PhonesSipHarness.Body(next), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task Subscribe_WithDigest_ChallengedThenAcceptedWithSha256OrMd5(int algorithm)
    {
        await using var h = await PhonesSipHarness.StartAsync(o => o.Sip.DigestAlgorithms = ["SHA-256", "MD5"]);

        h.Receive(h.Subscribe("1001", "d1"));
        var challenge = await h.ResponseAsync("d1");
        Assert.Equal(401, challenge.StatusCode);
        var offers = challenge.GetHeaders(SipHeaderId.WwwAuthenticate);
        Assert.Equal(2, offers.Count);
        Assert.Contains("algorithm=SHA-256", offers[0], StringComparison.Ordinal);
        Assert.Contains("algorithm=MD5", offers[1], StringComparison.Ordinal);

        var auth = PhonesSipHarness.Authorize(challenge, "SUBSCRIBE", "sip:1001@example.com", "1001", "secret1001", algorithm);
        h.Receive(h.Subscribe("1001", "d1", cseq: 2, authorization: auth));

        Assert.Equal(200, (await h.ResponseAsync("d1")).StatusCode);
        Assert.Contains("Voice-Message: 0/0", PhonesSipHarness.Body(await h.NotifyAsync("d1")), StringComparison.Ordinal);
    }

    /// <summary>Decision 0007: libre 1.x (baresip 1.0) and phones like it drop a 401 holding any non-MD5 challenge.</summary>
    [Fact]
    public async Task Subscribe_DefaultConfiguration_ChallengedWithMd5Only()
    {
        await using var h = await PhonesSipHarness.StartAsync();

        h.Receive(h.Subscribe("1001", "m1"));
        h.Receive(h.Subscribe("9999", "m2", fromUser: "9999"));

        Assert.Equal(["MD5"], Algorithms(await h.ResponseAsync("m1")));
        Assert.Equal(["MD5"], Algorithms(await h.ResponseAsync("m2")));
    }

    [Fact]
    public async Task Subscribe_Sha256OptedInForOneEndpoint_OnlyThatEndpointIsOfferedIt()
    {
        await using var h = await PhonesSipHarness.StartAsync(o => o.Endpoints[1].DigestAlgorithms = ["SHA-256", "MD5"]);

        h.Receive(h.Subscribe("1002", "p1", fromUser: "1002"));
        h.Receive(h.Subscribe("1001", "p2"));
        h.Receive(h.Subscribe("9999", "p3", fromUser: "9999"));

        var modern = await h.ResponseAsync("p1");
        Assert.Equal(["SHA-256", "MD5"], Algorithms(modern));
        Assert.Equal(["MD5"], Algorithms(await h.ResponseAsync("p2")));
        Assert.Equal(["MD5"], Algorithms(await h.ResponseAsync("p3")));

        h.Receive(h.Subscribe("1002", "p1", cseq: 2, fromUser: "1002",
            authorization: PhonesSipHarness.Authorize(modern, "SUBSCRIBE", "sip:1002@example.com", "1002", "secret1002", index: 0)));
        Assert.Equal(200, (await h.ResponseAsync("p1")).StatusCode);
    }

    [Fact]
    public async Task Subscribe_EndpointOptedIntoSha256ByReload_ChallengedWithIt()
    {
        await using var h = await PhonesSipHarness.StartAsync();
        h.Receive(h.Subscribe("1001", "r1"));
        Assert.Equal(["MD5"], Algorithms(await h.ResponseAsync("r1")));

        var reloaded = new Lantern.Configuration.LanternOptions();
        reloaded.Sip.Domain = "example.com";
        reloaded.Endpoints =
        [
            new Lantern.Configuration.EndpointOptions { Id = "1001", Password = "secret1001", Mailboxes = ["1001@default"], DigestAlgorithms = ["SHA-256", "MD5"] },
        ];
        h.Module.ApplyOptions(reloaded);

        h.Receive(h.Subscribe("1001", "r2"));
        Assert.Equal(["SHA-256", "MD5"], Algorithms(await h.ResponseAsync("r2")));
    }

    [Fact]
    public async Task Subscribe_Sha256OnlyEndpointAnsweringMd5_ChallengedAgainNotAdmitted()
    {
        await using var h = await PhonesSipHarness.StartAsync(o => o.Endpoints[0].DigestAlgorithms = ["SHA-256"]);
        h.Receive(h.Subscribe("1001", "s1"));
        var challenge = await h.ResponseAsync("s1");
        Assert.Equal(["SHA-256"], Algorithms(challenge));

        // Right password, but MD5 over the SHA-256 challenge's nonce: a downgrade the endpoint's setting forbids.
        var offered = challenge.GetHeaders(SipHeaderId.WwwAuthenticate)[0].Replace("algorithm=SHA-256", "algorithm=MD5", StringComparison.Ordinal);
        Assert.True(Lantern.Sip.Auth.DigestChallenge.TryParse(offered, out var md5, out _));
        h.Receive(h.Subscribe("1001", "s1", cseq: 2, authorization: Lantern.Sip.Auth.DigestClient.CreateAuthorization(md5!, "SUBSCRIBE", "sip:1001@example.com", "1001", "secret1001")));

        var again = await h.ResponseAsync("s1");
        Assert.Equal(401, again.StatusCode);
        Assert.Equal(["SHA-256"], Algorithms(again));
    }

    [Fact]
    public async Task Subscribe_Ha1EndpointWithSha256Global_ChallengedWithMd5Only()
    {
#pragma warning disable CA5351 // An MD5 HA1 is what such endpoints store (Asterisk md5secret); the test has to make one.
        var ha1 = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData("1001:example.com:secret1001"u8));
#pragma warning restore CA5351
        await using var h = await PhonesSipHarness.StartAsync(o =>
        {
            o.Sip.DigestAlgorithms = ["SHA-256", "MD5"];
            o.Endpoints[0].Password = null;
            o.Endpoints[0].Ha1 = ha1;
        });

        h.Receive(h.Subscribe("1001", "h1"));
        var challenge = await h.ResponseAsync("h1");
        Assert.Equal(["MD5"], Algorithms(challenge));

        h.Receive(h.Subscribe("1001", "h1", cseq: 2, authorization: PhonesSipHarness.Authorize(challenge, "SUBSCRIBE", "sip:1001@example.com", "1001", "secret1001")));
        Assert.Equal(200, (await h.ResponseAsync("h1")).StatusCode);
    }

    private static List<string> Algorithms(SipMessage challenge401)
    {
        Assert.Equal(401, challenge401.StatusCode);
        var names = new List<string>();
        foreach (var value in challenge401.GetHeaders(SipHeaderId.WwwAuthenticate))
        {
            Assert.True(Lantern.Sip.Auth.DigestChallenge.TryParse(value, out var c, out var error), error);
            names.Add(c!.Algorithm == Lantern.Sip.Auth.DigestAlgorithm.Sha256 ? "SHA-256" : "MD5");
        }

        return names;
    }

    [Fact]
    public async Task Subscribe_WrongPasswordOrUnknownUser_SameForbidden()
    {
        await using var h = await PhonesSipHarness.StartAsync();
        h.Receive(h.Subscribe("1001", "w1"));
        var challenge = await h.ResponseAsync("w1");

        h.Receive(h.Subscribe("1001", "w1", cseq: 2, authorization: PhonesSipHarness.Authorize(challenge, "SUBSCRIBE", "sip:1001@example.com", "1001", "wrong")));
        h.Receive(h.Subscribe("1001", "w2", cseq: 2, authorization: PhonesSipHarness.Authorize(challenge, "SUBSCRIBE", "sip:1001@example.com", "9999", "wrong")));

        var a = await h.ResponseAsync("w1");
        var b = await h.ResponseAsync("w2");
        Assert.Equal((403, "Forbidden"), (a.StatusCode, a.ReasonPhrase));
        Assert.Equal((403, "Forbidden"), (b.StatusCode, b.ReasonPhrase));
    }

    [Fact]
    public async Task Subscribe_BadRequests_PreciseAnswers()
    {
        await using var h = await PhonesSipHarness.StartAsync();

        h.Receive(h.Subscribe("1001", "e1", events: "presence"), PhonesSipHarness.Proxy);
        h.Receive(h.Subscribe("1001", "e2", accept: "text/plain"), PhonesSipHarness.Proxy);
        h.Receive(h.Subscribe("1001", "e3", expires: "30"), PhonesSipHarness.Proxy);
        h.Receive(h.Subscribe("1001", "e4", toTag: "nosuch"), PhonesSipHarness.Proxy);
        h.Receive(h.Subscribe("bad%zz", "e5"), PhonesSipHarness.Proxy);

        var bad = await h.ResponseAsync("e1");
        Assert.Equal(489, bad.StatusCode);
        Assert.Equal("message-summary", bad.GetHeader(SipHeaderId.AllowEvents));
        Assert.Equal(406, (await h.ResponseAsync("e2")).StatusCode);
        var brief = await h.ResponseAsync("e3");
        Assert.Equal(423, brief.StatusCode);
        Assert.Equal("60", brief.GetHeader(SipHeaderId.MinExpires));
        Assert.Equal(481, (await h.ResponseAsync("e4")).StatusCode);
        Assert.Equal(400, (await h.ResponseAsync("e5")).StatusCode);
    }

    [Fact]
    public async Task Subscribe_AnotherEndpointsMailbox_403AndUnknown404()
    {
        await using var h = await PhonesSipHarness.StartAsync();
        h.Receive(h.Subscribe("1002", "f1"));
        var challenge = await h.ResponseAsync("f1");

        h.Receive(h.Subscribe("1002", "f1", cseq: 2, authorization: PhonesSipHarness.Authorize(challenge, "SUBSCRIBE", "sip:1002@example.com", "1001", "secret1001")));
        h.Receive(h.Subscribe("4242", "f2", cseq: 2, authorization: PhonesSipHarness.Authorize(challenge, "SUBSCRIBE", "sip:4242@example.com", "1001", "secret1001", nonceCount: 2)));

        var forbidden = await h.ResponseAsync("f1");
        Assert.Equal(403, forbidden.StatusCode);
        Assert.Equal("Not Your Mailbox", forbidden.ReasonPhrase);
        Assert.Equal(404, (await h.ResponseAsync("f2")).StatusCode);
    }

    [Fact]
    public async Task RefreshAndUnsubscribe_InDialog_NotifyThenTerminated()
    {
        await using var h = await PhonesSipHarness.StartAsync();
        h.Receive(h.Subscribe("1002", "r1"), PhonesSipHarness.Proxy);
        var tag = (await h.ResponseAsync("r1")).ToTag!;
        var first = await h.NotifyAsync("r1");
        Assert.Contains("Message-Account: sip:1002@example.com", PhonesSipHarness.Body(first), StringComparison.Ordinal);

        h.Receive(h.Subscribe("1002", "r1", cseq: 2, toTag: tag, expires: "3600"), PhonesSipHarness.Proxy);
        Assert.Equal("3600", (await h.ResponseAsync("r1")).GetHeader(SipHeaderId.Expires));
        Assert.Equal("active;expires=3600", (await h.NotifyAsync("r1")).GetHeader(SipHeaderId.SubscriptionState));

        h.Receive(h.Subscribe("1002", "r1", cseq: 3, toTag: tag, expires: "0"), PhonesSipHarness.Proxy);
        Assert.Equal(200, (await h.ResponseAsync("r1")).StatusCode);
        Assert.Equal("terminated", (await h.NotifyAsync("r1")).GetHeader(SipHeaderId.SubscriptionState));

        h.Receive(h.Subscribe("1002", "r1", cseq: 4, toTag: tag), PhonesSipHarness.Proxy);
        Assert.Equal(481, (await h.ResponseAsync("r1")).StatusCode);
    }

    [Fact]
    public async Task Register_WithDigest_BindsAndSendsUnsolicitedNotify()
    {
        await using var h = await PhonesSipHarness.StartAsync();
        await h.F.SetAsync("1001", 1);

        await h.RegisterWithDigestAsync("g1");

        var ok = await h.ResponseAsync("g1");
        Assert.Equal(200, ok.StatusCode);
        Assert.Equal("<sip:1001@192.0.2.7:5062>;expires=600", ok.GetHeader(SipHeaderId.Contact));
        var notify = await h.NextAsync(m => m.IsRequest && m.Method == SipMethod.Notify);
        Assert.Null(notify.ToTag);
        Assert.Equal("terminated", notify.GetHeader(SipHeaderId.SubscriptionState));
        Assert.Equal("sip:1001@192.0.2.7:5062", notify.RequestUriText);
        Assert.StartsWith("Messages-Waiting: yes\r\nMessage-Account: sip:*97@example.com\r\n", PhonesSipHarness.Body(notify), StringComparison.Ordinal);
        Assert.Single(h.Module.Status.ListRegistrations());
    }

    /// <summary>A phone may refuse or drop an out-of-dialog NOTIFY that arrives before its registration completes: the 200 waits
    /// for the commit (decision 0006), so the binding's unsolicited NOTIFY must wait for the 200, not only for the binding.</summary>
    [Fact]
    public async Task Register_CommitHeld_UnsolicitedNotifyLeavesOnlyAfterThe200()
    {
        await using var h = await PhonesSipHarness.StartAsync();
        await h.F.SetAsync("1001", 1);
        var commit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.F.Store.Gate = commit;

        await h.RegisterWithDigestAsync("o1");
        await h.F.Store.BatchStarted.Task.WaitAsync(TimeSpan.FromSeconds(5));
        commit.SetResult();

        var first = await h.NextAsync(m => (m.IsResponse && m.CallId == "o1") || (m.IsRequest && m.Method == SipMethod.Notify));
        Assert.True(first.IsResponse, "the unsolicited NOTIFY left before the REGISTER's 200");
        Assert.Equal(200, first.StatusCode);
        var notify = await h.NextAsync(m => m.IsRequest && m.Method == SipMethod.Notify);
        Assert.Null(notify.ToTag);
        Assert.StartsWith("Messages-Waiting: yes\r\n", PhonesSipHarness.Body(notify), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unsubscribe_RegisteredPhone_UnsolicitedNotifyWithTheCurrentStateAfterTheFinalOne()
    {
        await using var h = await PhonesSipHarness.StartAsync();
        await h.F.SetAsync("1001", 1);
        await h.RegisterWithDigestAsync("u1");
        Assert.Equal(200, (await h.ResponseAsync("u1")).StatusCode);
        Assert.Null((await h.NextAsync(m => m.IsRequest && m.Method == SipMethod.Notify && m.CallId != "s1")).ToTag);

        h.Receive(h.Subscribe("1001", "s1"));
        var challenge = await h.ResponseAsync("s1");
        h.Receive(h.Subscribe("1001", "s1", cseq: 2, authorization: PhonesSipHarness.Authorize(challenge, "SUBSCRIBE", "sip:1001@example.com", "1001", "secret1001")));
        var tag = (await h.ResponseAsync("s1")).ToTag!;
        Assert.StartsWith("active", (await h.NotifyAsync("s1")).GetHeader(SipHeaderId.SubscriptionState), StringComparison.Ordinal);
        await h.F.SetAsync("1001", 4);
        Assert.Contains("Voice-Message: 4/0", PhonesSipHarness.Body(await h.NotifyAsync("s1")), StringComparison.Ordinal);

        h.Receive(h.Subscribe("1001", "s1", cseq: 3, toTag: tag, expires: "0"));
        Assert.Equal(200, (await h.ResponseAsync("s1")).StatusCode);
        Assert.Equal("terminated", (await h.NotifyAsync("s1")).GetHeader(SipHeaderId.SubscriptionState));
        h.F.Time.Advance(UnsolicitedNotifier.CoverageSettle);

        // The binding's own NOTIFY and the feed's first change race at the start and may give two with 1/0; while the
        // subscription covered the mailbox nothing unsolicited was sent, so only the resumption can carry 4/0.
        var resumed = await h.NextAsync(m => m.IsRequest && m.Method == SipMethod.Notify && m.CallId != "s1"
            && PhonesSipHarness.Body(m).Contains("Voice-Message: 4/0", StringComparison.Ordinal));
        Assert.Null(resumed.ToTag);
        Assert.Equal("sip:1001@192.0.2.7:5062", resumed.RequestUriText);
        Assert.Equal("terminated", resumed.GetHeader(SipHeaderId.SubscriptionState));
    }

    [Fact]
    public async Task Register_BelowMinExpiresOrForAnotherUser_423And403()
    {
        await using var h = await PhonesSipHarness.StartAsync();
        h.Receive(h.Register("1001", "h1", 1, "<sip:1001@192.0.2.7:5062>"));
        var challenge = await h.ResponseAsync("h1");

        h.Receive(h.Register("1001", "h1", 2, "<sip:1001@192.0.2.7:5062>", expires: "10", authorization: PhonesSipHarness.Authorize(challenge, "REGISTER", "sip:example.com", "1001", "secret1001")));
        h.Receive(h.Register("1002", "h2", 2, "<sip:1002@192.0.2.7:5062>", authorization: PhonesSipHarness.Authorize(challenge, "REGISTER", "sip:example.com", "1001", "secret1001", nonceCount: 2)));

        var brief = await h.ResponseAsync("h1");
        Assert.Equal(423, brief.StatusCode);
        Assert.Equal("60", brief.GetHeader(SipHeaderId.MinExpires));
        Assert.Equal(403, (await h.ResponseAsync("h2")).StatusCode);
    }
}
