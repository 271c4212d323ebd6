using Lantern.Configuration;
using Lantern.Mailboxes;
using Lantern.Sip.Auth;
using Lantern.Sip.Transport;
using Lantern.Status;
using Lantern.Upstreams;

namespace Lantern.Tests.Upstreams;

/// <summary>Issue 9 §2: a notifier that never NOTIFYs, one that restarts and forgets us, and one that wants a REGISTER first.</summary>
public sealed class UpstreamLivenessTests
{
    private const string Body = "Messages-Waiting: yes\r\nMessage-Account: sip:mwi@192.0.2.1\r\nVoice-Message: 2/8 (1/2)\r\n";

    /// <summary>64·T1 with the default T1 of 500 ms.</summary>
    private static readonly TimeSpan NotifyTimeout = TimeSpan.FromSeconds(32);

    private static UpstreamDefinition Definition(int refreshSeconds = 0, int registerExpires = 0) =>
        new("prov", "mwi", "secret", "mwi", "192.0.2.1", 5060, SipTransportKind.Udp, null, 3600, UpstreamHarness.Mailbox, refreshSeconds, registerExpires);

    [Fact]
    [Trait("RFC", "6665 4.1.2.4")]
    public async Task NoNotifyWithin64T1OfThe200_FailedNoNotify_RetriedWithBackoff()
    {
        await using var h = await UpstreamHarness.StartAsync(notifyTimeout: NotifyTimeout);
        var first = await h.ActivateAsync();

        h.Time.Advance(NotifyTimeout - TimeSpan.FromMilliseconds(1));
        Assert.True(await h.NothingSentAsync());
        Assert.Equal(UpstreamState.Active, h.Subscriber.Status.State);
        h.Time.Advance(TimeSpan.FromMilliseconds(1));

        var status = await h.WaitStatusAsync(s => s.State == UpstreamState.FailedNoNotify);
        Assert.Equal("no NOTIFY within 32 s of the 2xx (RFC 6665 4.1.2.4)", status.LastError);
        Assert.Equal(1, status.Failures);
        Assert.Null(status.GrantedExpires);
        Assert.Equal(h.Time.GetUtcNow() + UpstreamBackoff.Initial, status.NextAttemptAt);
        Assert.Null(h.Subscriber.CallId);

        h.Time.Advance(UpstreamBackoff.Initial);
        var retry = await h.Client.NextAsync();
        Assert.Null(retry.Request.RemoteTag);
        Assert.NotEqual(first.Request.CallId, retry.Request.CallId);
    }

    [Fact]
    [Trait("RFC", "6665 4.1.2.4")]
    public async Task NotifyWithin64T1_StaysActive()
    {
        await using var h = await UpstreamHarness.StartAsync(notifyTimeout: NotifyTimeout);
        var sent = await h.ActivateAsync();

        h.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(200, (await h.NotifyAsync(sent, 1, "active;expires=3600", Body)).StatusCode);
        h.Time.Advance(NotifyTimeout);

        Assert.True(await h.NothingSentAsync());
        Assert.Equal(UpstreamState.Active, h.Subscriber.Status.State);
        Assert.Equal(0, h.Subscriber.Status.Failures);
    }

    [Fact]
    [Trait("RFC", "6665 4.1.2.4")]
    public async Task NotifyThatOvertookThe200_CountsAsTheFirstNotify()
    {
        await using var h = await UpstreamHarness.StartAsync(notifyTimeout: NotifyTimeout);
        var initial = await h.Client.NextAsync();

        Assert.Equal(200, (await h.NotifyAsync(initial, 1, "active;expires=3600", Body)).StatusCode);
        initial.Ok(3600);
        await h.WaitStatusAsync(s => s.State == UpstreamState.Active);
        h.Time.Advance(NotifyTimeout);

        Assert.True(await h.NothingSentAsync());
        Assert.Equal(UpstreamState.Active, h.Subscriber.Status.State);
    }

    [Fact]
    public async Task RefreshSeconds_RefreshesBeforeTheGrantWants()
    {
        await using var h = await UpstreamHarness.StartAsync(Definition(refreshSeconds: UpstreamOptions.DefaultRefreshSeconds));
        var initial = await h.ActivateAsync(granted: 3600);

        Assert.Equal(h.Time.GetUtcNow() + TimeSpan.FromSeconds(90), h.Subscriber.Status.NextAttemptAt);
        h.Time.Advance(TimeSpan.FromSeconds(90));
        var refresh = await h.Client.NextAsync();

        Assert.Equal(initial.Request.CallId, refresh.Request.CallId);
        Assert.Equal("srv1", refresh.Request.RemoteTag);
        Assert.Equal(3600, refresh.Request.Expires);
    }

    /// <summary>chan_sip after a restart answers an in-dialog SUBSCRIBE with 481; with the default refresh interval the
    /// mailbox is right again within 2 minutes of the restart.</summary>
    [Fact]
    public async Task UpstreamRestarted_481ToTheNextRefresh_ResubscribedAndMailboxRightWithin2Minutes()
    {
        await using var h = await UpstreamHarness.StartAsync(Definition(refreshSeconds: UpstreamOptions.DefaultRefreshSeconds), NotifyTimeout);
        var initial = await h.ActivateAsync(granted: 3600);
        Assert.Equal(200, (await h.NotifyAsync(initial, 1, "active;expires=3600", "Messages-Waiting: no\r\nVoice-Message: 0/0\r\n")).StatusCode);

        // The upstream restarts right after that NOTIFY and now has 2 new messages.
        var restartedAt = h.Time.GetUtcNow();
        h.Time.Advance(TimeSpan.FromSeconds(90));
        (await h.Client.NextAsync()).Respond(new UpstreamSubscribeResponse(481, "Call leg/transaction does not exist"));
        var fresh = await h.Client.NextAsync();
        Assert.Null(fresh.Request.RemoteTag);
        Assert.NotEqual(initial.Request.CallId, fresh.Request.CallId);
        fresh.Ok(3600, remoteTag: "srv2");
        await h.WaitStatusAsync(s => s.State == UpstreamState.Active && s.NextAttemptAt is not null && s.Attempts == 3);
        Assert.Equal(200, (await h.NotifyAsync(fresh, 1, "active;expires=3600", Body, fromTag: "srv2")).StatusCode);

        Assert.Equal(new MessageCounts(2, 8, 1, 2), h.Mailboxes.Find(UpstreamHarness.Mailbox)!.Counts.Voice);
        Assert.True(h.Time.GetUtcNow() - restartedAt <= TimeSpan.FromMinutes(2));
    }

    [Fact]
    public async Task Register_ChallengedThenAccepted_ThenSubscribes_AndReRegistersAt85Percent()
    {
        await using var h = await UpstreamHarness.StartAsync(Definition(registerExpires: 120));
        var registrar = new DigestAuthenticator(new DigestServerOptions { Realm = "asterisk", SecretKey = new byte[32], Algorithms = [DigestAlgorithm.Md5] }, h.Time);

        var first = await h.Client.NextRegisterAsync();
        Assert.Null(first.Request.Authorization);
        Assert.Equal(120, first.Request.Expires);
        Assert.False(h.Client.TryTake(out _));
        first.Respond(new UpstreamSubscribeResponse(401, "Unauthorized", Challenges: registrar.CreateChallenges()));
        var second = await h.Client.NextRegisterAsync();
        Assert.Equal(first.Request.CallId, second.Request.CallId);
        Assert.Equal(first.Request.CSeq + 1, second.Request.CSeq);
        var check = registrar.Verify(second.Request.Authorization, "REGISTER", user => user == "mwi" ? DigestSecret.FromPassword("secret") : null);
        Assert.True(check.Succeeded, check.Reason);
        second.Respond(new UpstreamSubscribeResponse(200, "OK", Expires: 120));

        var subscribe = await h.Client.NextAsync();
        Assert.Null(subscribe.Request.RemoteTag);
        subscribe.Ok(3600);
        await h.WaitStatusAsync(s => s.State == UpstreamState.Active);

        h.Time.Advance(TimeSpan.FromSeconds(102));
        var again = await h.Client.NextRegisterAsync();
        Assert.Equal(first.Request.CallId, again.Request.CallId);
        Assert.NotNull(again.Request.Authorization);
    }

    [Fact]
    public async Task Register_Refused_FailedAuthAndRetriedWithRegister()
    {
        await using var h = await UpstreamHarness.StartAsync(Definition(registerExpires: 120));

        (await h.Client.NextRegisterAsync()).Respond(new UpstreamSubscribeResponse(403, "Forbidden"));

        var status = await h.WaitStatusAsync(s => s.State == UpstreamState.FailedAuth);
        Assert.Equal("register: 403 Forbidden", status.LastError);
        Assert.False(h.Client.TryTake(out _));
        h.Time.Advance(UpstreamBackoff.Initial);
        Assert.Equal(120, (await h.Client.NextRegisterAsync()).Request.Expires);
    }

    [Fact]
    public async Task Stop_Registered_UnsubscribesThenUnregisters()
    {
        await using var h = await UpstreamHarness.StartAsync(Definition(registerExpires: 120));
        var register = await h.Client.NextRegisterAsync();
        register.Respond(new UpstreamSubscribeResponse(200, "OK", Expires: 120));
        await h.ActivateAsync();

        var stopping = h.Subscriber.StopAsync(CancellationToken.None);
        var unsubscribe = await h.Client.NextAsync();
        Assert.Equal(0, unsubscribe.Request.Expires);
        unsubscribe.Ok(0);
        var unregister = await h.Client.NextRegisterAsync();
        Assert.Equal(0, unregister.Request.Expires);
        Assert.Equal(register.Request.CallId, unregister.Request.CallId);
        unregister.Respond(new UpstreamSubscribeResponse(200, "OK"));

        await stopping.WaitAsync(FakeUpstreamSipClient.Deadline);
    }
}
