using Lantern.Mailboxes;
using Lantern.Sip.Auth;
using Lantern.Status;
using Lantern.Upstreams;

namespace Lantern.Tests.Upstreams;

public sealed class UpstreamSubscriberTests
{
    private const string Body = "Messages-Waiting: yes\r\nMessage-Account: sip:mwi@192.0.2.1\r\nVoice-Message: 2/8 (1/2)\r\n";

    [Fact]
    public async Task Start_SendsInitialSubscribe_OutOfDialogWithRequestedExpires()
    {
        await using var h = await UpstreamHarness.StartAsync();

        var sent = await h.Client.NextAsync();

        Assert.Equal("sip:mwi@192.0.2.1:5060", sent.Request.RequestUri);
        Assert.Null(sent.Request.RemoteTag);
        Assert.Equal(3600, sent.Request.Expires);
        Assert.Null(sent.Request.Authorization);
        Assert.False(string.IsNullOrEmpty(sent.Request.CallId));
        Assert.Equal(UpstreamState.Subscribing, h.Subscriber.Status.State);
    }

    [Fact]
    [Trait("RFC", "3261 22.2")]
    public async Task Challenge401_AnsweredOnceWithDigestTheServerAccepts_Active()
    {
        await using var h = await UpstreamHarness.StartAsync();
        var server = new DigestAuthenticator(
            new DigestServerOptions { Realm = "upstream.test", SecretKey = new byte[32], Algorithms = [DigestAlgorithm.Sha256, DigestAlgorithm.Md5] }, h.Time);

        var first = await h.Client.NextAsync();
        first.Respond(new UpstreamSubscribeResponse(401, "Unauthorized", Challenges: server.CreateChallenges()));
        var second = await h.Client.NextAsync();

        Assert.Equal(first.Request.CallId, second.Request.CallId);
        Assert.Equal(first.Request.CSeq + 1, second.Request.CSeq);
        Assert.False(second.Request.ProxyAuthorization);
        var check = server.Verify(second.Request.Authorization, "SUBSCRIBE", user => user == "mwi" ? DigestSecret.FromPassword("secret") : null);
        Assert.True(check.Succeeded, check.Reason);
        Assert.Contains("SHA-256", second.Request.Authorization, StringComparison.Ordinal);

        second.Ok(1800);
        var status = await h.WaitStatusAsync(s => s.State == UpstreamState.Active);
        Assert.Equal(1800, status.GrantedExpires);
        Assert.Equal(0, status.Failures);
    }

    [Fact]
    public async Task Challenge407_AnsweredWithProxyAuthorization()
    {
        await using var h = await UpstreamHarness.StartAsync();
        var server = new DigestAuthenticator(new DigestServerOptions { Realm = "proxy.test", SecretKey = new byte[32] }, h.Time);

        (await h.Client.NextAsync()).Respond(new UpstreamSubscribeResponse(407, "Proxy Authentication Required", Challenges: server.CreateChallenges()));
        var second = await h.Client.NextAsync();

        Assert.True(second.Request.ProxyAuthorization);
        Assert.NotNull(second.Request.Authorization);
    }

    [Fact]
    public async Task SecondChallenge_IsAuthFailure_RetriedAfterBackoffWithNewCallId()
    {
        await using var h = await UpstreamHarness.StartAsync();
        var server = new DigestAuthenticator(new DigestServerOptions { Realm = "upstream.test", SecretKey = new byte[32] }, h.Time);

        var first = await h.Client.NextAsync();
        first.Respond(new UpstreamSubscribeResponse(401, "Unauthorized", Challenges: server.CreateChallenges()));
        (await h.Client.NextAsync()).Respond(new UpstreamSubscribeResponse(401, "Unauthorized", Challenges: server.CreateChallenges()));
        var status = await h.WaitStatusAsync(s => s.State == UpstreamState.FailedAuth);

        Assert.Equal(1, status.Failures);
        Assert.Contains("credentials refused", status.LastError, StringComparison.Ordinal);
        Assert.Equal(h.Time.GetUtcNow() + TimeSpan.FromSeconds(5), status.NextAttemptAt);
        h.Time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.True(await h.NothingSentAsync());
        h.Time.Advance(TimeSpan.FromSeconds(0.1));
        var retry = await h.Client.NextAsync();
        Assert.NotEqual(first.Request.CallId, retry.Request.CallId);
        Assert.Null(retry.Request.Authorization);
    }

    [Fact]
    public async Task Challenge_WithoutSecret_IsAuthFailure()
    {
        await using var h = await UpstreamHarness.StartAsync(UpstreamHarness.Definition(secret: null));

        (await h.Client.NextAsync()).Respond(new UpstreamSubscribeResponse(401, "Unauthorized", Challenges: ["Digest realm=\"x\", nonce=\"n\""]));

        var status = await h.WaitStatusAsync(s => s.State == UpstreamState.FailedAuth);
        Assert.Contains("no secret", status.LastError, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("RFC", "6665 4.1.2.1")]
    public async Task Refresh_At85PercentOfGrantedNotRequested_InDialog()
    {
        await using var h = await UpstreamHarness.StartAsync();
        var initial = await h.ActivateAsync(granted: 600);

        h.Time.Advance(TimeSpan.FromSeconds(509));
        Assert.True(await h.NothingSentAsync());
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var refresh = await h.Client.NextAsync();

        Assert.Equal(initial.Request.CallId, refresh.Request.CallId);
        Assert.Equal("srv1", refresh.Request.RemoteTag);
        Assert.Equal(initial.Request.LocalTag, refresh.Request.LocalTag);
        Assert.Equal("sip:upstream@192.0.2.1:5060", refresh.Request.RequestUri);
        Assert.True(refresh.Request.CSeq > initial.Request.CSeq);
        Assert.Equal(3600, refresh.Request.Expires);

        refresh.Ok(1000);
        await h.WaitStatusAsync(s => s.GrantedExpires == 1000 && s.NextAttemptAt == h.Time.GetUtcNow() + TimeSpan.FromSeconds(850));
    }

    [Fact]
    public async Task Refresh_ReusesChallengeWithNextNonceCount()
    {
        await using var h = await UpstreamHarness.StartAsync();
        var server = new DigestAuthenticator(new DigestServerOptions { Realm = "upstream.test", SecretKey = new byte[32] }, h.Time);
        (await h.Client.NextAsync()).Respond(new UpstreamSubscribeResponse(401, "Unauthorized", Challenges: server.CreateChallenges()));
        (await h.Client.NextAsync()).Ok(100);
        await h.WaitStatusAsync(s => s.State == UpstreamState.Active && s.NextAttemptAt is not null);

        h.Time.Advance(TimeSpan.FromSeconds(85));
        var refresh = await h.Client.NextAsync();

        Assert.Contains("nc=00000002", refresh.Request.Authorization, StringComparison.Ordinal);
        Assert.Contains("uri=\"sip:upstream@192.0.2.1:5060\"", refresh.Request.Authorization, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("RFC", "6665 4.1.2.1")]
    public async Task IntervalTooBrief_RetriesWithMinExpires()
    {
        await using var h = await UpstreamHarness.StartAsync(UpstreamHarness.Definition(expires: 30));

        (await h.Client.NextAsync()).Respond(new UpstreamSubscribeResponse(423, "Interval Too Brief", MinExpires: 120));
        var retry = await h.Client.NextAsync();

        Assert.Equal(120, retry.Request.Expires);
        retry.Ok(120);
        await h.WaitStatusAsync(s => s.State == UpstreamState.Active && s.GrantedExpires == 120);
    }

    [Fact]
    public async Task IntervalTooBrief_WithoutMinExpires_IsFailure()
    {
        await using var h = await UpstreamHarness.StartAsync();

        (await h.Client.NextAsync()).Respond(new UpstreamSubscribeResponse(423, "Interval Too Brief"));

        var status = await h.WaitStatusAsync(s => s.State == UpstreamState.Retrying);
        Assert.Contains("Min-Expires", status.LastError, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("RFC", "6665 4.1.2.4")]
    public async Task NotifyBeforeThe200_AcceptedAndMailboxSet()
    {
        await using var h = await UpstreamHarness.StartAsync();
        var sent = await h.Client.NextAsync();

        var result = await h.NotifyAsync(sent, 1, "active;expires=3600", Body);

        Assert.Equal(200, result.StatusCode);
        var mailbox = h.Mailboxes.Find(UpstreamHarness.Mailbox);
        Assert.NotNull(mailbox);
        Assert.Equal(new MessageCounts(2, 8, 1, 2), mailbox.Counts.Voice);
        Assert.Equal(MailboxSource.Upstream("prov"), mailbox.Source);
        sent.Ok(3600, remoteTag: "srv1");
        var status = await h.WaitStatusAsync(s => s.State == UpstreamState.Active);
        Assert.NotNull(status.LastNotifyAt);
    }

    [Fact]
    public async Task Notify_MalformedBody_400NamingTheProblem_MailboxUnchanged()
    {
        await using var h = await UpstreamHarness.StartAsync();
        var sent = await h.ActivateAsync();
        Assert.Equal(200, (await h.NotifyAsync(sent, 1, "active", Body)).StatusCode);

        var result = await h.NotifyAsync(sent, 2, "active", "Messages-Waiting: no\r\nVoice-Message: lots\r\n");

        Assert.Equal(400, result.StatusCode);
        Assert.StartsWith("Bad message-summary body: line 2: Voice-Message", result.Reason, StringComparison.Ordinal);
        Assert.Equal(new MessageCounts(2, 8, 1, 2), h.Mailboxes.Find(UpstreamHarness.Mailbox)!.Counts.Voice);
    }

    [Fact]
    public async Task Notify_WrongContentType_415()
    {
        await using var h = await UpstreamHarness.StartAsync();
        var sent = await h.ActivateAsync();

        var result = await h.NotifyAsync(sent, 1, "active", Body, contentType: "text/plain");

        Assert.Equal(415, result.StatusCode);
        Assert.Null(h.Mailboxes.Find(UpstreamHarness.Mailbox));
    }

    [Fact]
    public async Task Notify_UnknownDialog_481()
    {
        await using var h = await UpstreamHarness.StartAsync();
        var sent = await h.ActivateAsync();

        var wrongTag = await h.Subscriber.HandleNotifyAsync(
            new UpstreamNotify(sent.Request.CallId, "srv1", "not-our-tag", 1, "message-summary", "active", null, ReadOnlyMemory<byte>.Empty),
            CancellationToken.None);
        var otherFork = await h.NotifyAsync(sent, 2, "active", Body, fromTag: "fork2");

        Assert.Equal(481, wrongTag.StatusCode);
        Assert.Equal(481, otherFork.StatusCode);
    }

    [Fact]
    public async Task Notify_OlderCSeq_500()
    {
        await using var h = await UpstreamHarness.StartAsync();
        var sent = await h.ActivateAsync();
        Assert.Equal(200, (await h.NotifyAsync(sent, 5, "active", Body)).StatusCode);

        Assert.Equal(500, (await h.NotifyAsync(sent, 4, "active", Body)).StatusCode);
    }

    [Fact]
    public async Task Notify_BadSubscriptionState_400()
    {
        await using var h = await UpstreamHarness.StartAsync();
        var sent = await h.ActivateAsync();

        var result = await h.NotifyAsync(sent, 1, "sleeping", Body);

        Assert.Equal(400, result.StatusCode);
        Assert.Contains("sleeping", result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("deactivated")]
    [InlineData("timeout")]
    [Trait("RFC", "6665 4.1.3")]
    public async Task Terminated_DeactivatedOrTimeout_ResubscribesAtOnce(string reason)
    {
        await using var h = await UpstreamHarness.StartAsync();
        var sent = await h.ActivateAsync();
        h.Time.Advance(TimeSpan.FromSeconds(60));

        var result = await h.NotifyAsync(sent, 1, "terminated;reason=" + reason, null);
        var next = await h.Client.NextAsync();

        Assert.Equal(200, result.StatusCode);
        Assert.NotEqual(sent.Request.CallId, next.Request.CallId);
        Assert.Null(next.Request.RemoteTag);
    }

    [Theory]
    [InlineData("rejected")]
    [InlineData("noresource")]
    [InlineData("giveup")]
    [Trait("RFC", "6665 4.1.3")]
    public async Task Terminated_OtherReasons_RetryAfterBackoff(string reason)
    {
        await using var h = await UpstreamHarness.StartAsync();
        var sent = await h.ActivateAsync();
        h.Time.Advance(TimeSpan.FromSeconds(60));

        Assert.Equal(200, (await h.NotifyAsync(sent, 1, "terminated;reason=" + reason, null)).StatusCode);
        var status = await h.WaitStatusAsync(s => s.State == UpstreamState.Retrying);

        Assert.Contains(reason, status.LastError, StringComparison.Ordinal);
        Assert.Equal(h.Time.GetUtcNow() + TimeSpan.FromSeconds(5), status.NextAttemptAt);
        Assert.True(await h.NothingSentAsync());
        h.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.NotEqual(sent.Request.CallId, (await h.Client.NextAsync()).Request.CallId);
    }

    [Fact]
    [Trait("RFC", "6665 4.1.3")]
    public async Task Terminated_RetryAfter_WaitsThatLong()
    {
        await using var h = await UpstreamHarness.StartAsync();
        var sent = await h.ActivateAsync();

        Assert.Equal(200, (await h.NotifyAsync(sent, 1, "terminated;reason=probation;retry-after=90", null)).StatusCode);
        var status = await h.WaitStatusAsync(s => s.State == UpstreamState.Retrying);

        Assert.Equal(h.Time.GetUtcNow() + TimeSpan.FromSeconds(90), status.NextAttemptAt);
    }

    [Fact]
    public async Task Terminated_WithFinalBody_MailboxUpdatedFirst()
    {
        await using var h = await UpstreamHarness.StartAsync();
        var sent = await h.ActivateAsync();

        Assert.Equal(200, (await h.NotifyAsync(sent, 1, "terminated;reason=noresource", "Messages-Waiting: no\r\nVoice-Message: 0/3 (0/0)\r\n")).StatusCode);

        Assert.Equal(new MessageCounts(0, 3, 0, 0), h.Mailboxes.Find(UpstreamHarness.Mailbox)!.Counts.Voice);
    }

    [Fact]
    public async Task Terminated_RightAfterSubscribing_BacksOffInsteadOfLooping()
    {
        await using var h = await UpstreamHarness.StartAsync();
        var sent = await h.ActivateAsync();

        Assert.Equal(200, (await h.NotifyAsync(sent, 1, "terminated;reason=deactivated", null)).StatusCode);

        await h.WaitStatusAsync(s => s.State == UpstreamState.Retrying);
        Assert.True(await h.NothingSentAsync());
    }

    [Fact]
    public async Task Refresh481_StartsNewSubscriptionAtOnce()
    {
        await using var h = await UpstreamHarness.StartAsync();
        var initial = await h.ActivateAsync(granted: 100);
        h.Time.Advance(TimeSpan.FromSeconds(85));
        var refresh = await h.Client.NextAsync();

        refresh.Respond(new UpstreamSubscribeResponse(481, "Call/Transaction Does Not Exist"));
        var fresh = await h.Client.NextAsync();

        Assert.NotEqual(initial.Request.CallId, fresh.Request.CallId);
        Assert.Null(fresh.Request.RemoteTag);
        Assert.Equal(0, h.Subscriber.Status.Failures);
    }

    [Fact]
    public async Task Failures_BackOffFrom5sDoublingTo10Minutes_AndSuccessResets()
    {
        await using var h = await UpstreamHarness.StartAsync();
        int[] expected = [5, 10, 20, 40, 80, 160, 320, 600, 600];

        foreach (var seconds in expected)
        {
            (await h.Client.NextAsync()).Respond(new UpstreamSubscribeResponse(500, "Server Error"));
            var status = await h.WaitStatusAsync(s => s.State == UpstreamState.Retrying && s.NextAttemptAt is not null);
            Assert.Equal(h.Time.GetUtcNow() + TimeSpan.FromSeconds(seconds), status.NextAttemptAt);
            Assert.Equal("500 Server Error", status.LastError);
            h.Time.Advance(TimeSpan.FromSeconds(seconds));
        }

        (await h.Client.NextAsync()).Ok(3600);
        var ok = await h.WaitStatusAsync(s => s.State == UpstreamState.Active);
        Assert.Equal(0, ok.Failures);
        Assert.Equal(10, ok.Attempts);
    }

    [Fact]
    public async Task Timeout_IsFailureWithLocalReason()
    {
        await using var h = await UpstreamHarness.StartAsync();

        (await h.Client.NextAsync()).Respond(UpstreamSubscribeResponse.Local(408, "No response (Timer F)"));

        var status = await h.WaitStatusAsync(s => s.State == UpstreamState.Retrying);
        Assert.Equal("No response (Timer F)", status.LastError);
    }

    [Fact]
    public async Task ServerRetryAfter_LongerThanBackoff_Honoured()
    {
        await using var h = await UpstreamHarness.StartAsync();

        (await h.Client.NextAsync()).Respond(new UpstreamSubscribeResponse(503, "Service Unavailable", RetryAfter: 120));

        var status = await h.WaitStatusAsync(s => s.State == UpstreamState.Retrying);
        Assert.Equal(h.Time.GetUtcNow() + TimeSpan.FromSeconds(120), status.NextAttemptAt);
    }

    [Fact]
    public async Task Stop_WhenActive_UnsubscribesInDialogWithExpires0()
    {
        await using var h = await UpstreamHarness.StartAsync();
        var initial = await h.ActivateAsync();

        var stopping = h.Subscriber.StopAsync(CancellationToken.None);
        var unsubscribe = await h.Client.NextAsync();
        unsubscribe.Ok(0);
        await stopping.WaitAsync(FakeUpstreamSipClient.Deadline);

        Assert.Equal(0, unsubscribe.Request.Expires);
        Assert.Equal(initial.Request.CallId, unsubscribe.Request.CallId);
        Assert.Equal("srv1", unsubscribe.Request.RemoteTag);
    }

    [Fact]
    public async Task Stop_WhileRetrying_StopsWithoutSending()
    {
        await using var h = await UpstreamHarness.StartAsync();
        (await h.Client.NextAsync()).Respond(new UpstreamSubscribeResponse(500, "Server Error"));
        await h.WaitStatusAsync(s => s.State == UpstreamState.Retrying);

        await h.Subscriber.StopAsync(CancellationToken.None).WaitAsync(FakeUpstreamSipClient.Deadline);
        h.Time.Advance(TimeSpan.FromMinutes(20));

        Assert.True(await h.NothingSentAsync());
    }

    [Fact]
    public async Task Stop_WhileInitialInFlight_UnsubscribesAfterThe200()
    {
        await using var h = await UpstreamHarness.StartAsync();
        var initial = await h.Client.NextAsync();

        var stopping = h.Subscriber.StopAsync(CancellationToken.None);
        initial.Ok(3600);
        var unsubscribe = await h.Client.NextAsync();
        unsubscribe.Ok(0);
        await stopping.WaitAsync(FakeUpstreamSipClient.Deadline);

        Assert.Equal(0, unsubscribe.Request.Expires);
        Assert.Equal("srv1", unsubscribe.Request.RemoteTag);
    }

    [Fact]
    public async Task Notify_ShorterExpires_BringsRefreshForward()
    {
        await using var h = await UpstreamHarness.StartAsync();
        var sent = await h.ActivateAsync(granted: 3600);

        Assert.Equal(200, (await h.NotifyAsync(sent, 1, "active;expires=100", Body)).StatusCode);

        await h.WaitStatusAsync(s => s.NextAttemptAt == h.Time.GetUtcNow() + TimeSpan.FromSeconds(85));
    }

    [Fact]
    public async Task Notify_MailboxOwnedByApi_403AndErrorInStatus()
    {
        await using var h = await UpstreamHarness.StartAsync();
        await h.Mailboxes.UpdateAsync(UpstreamHarness.Mailbox, MailboxSource.Api, MailboxUpdate.Replace(MailboxCounts.Empty), null, CancellationToken.None);
        var sent = await h.ActivateAsync();

        var result = await h.NotifyAsync(sent, 1, "active", Body);

        Assert.Equal(403, result.StatusCode);
        Assert.Contains("1001@SIP_Remote", h.Subscriber.Status.LastError, StringComparison.Ordinal);
    }
}
