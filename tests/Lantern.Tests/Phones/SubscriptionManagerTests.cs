using Lantern.Mailboxes;
using Lantern.Phones;

namespace Lantern.Tests.Phones;

public sealed class SubscriptionManagerTests
{
    private static readonly MwiTarget Target1001 = EndpointDirectory.TargetOf(PhoneEndpoint.Create("1001", "pw", "1001@default") with { VoicemailExtension = "*97" });

    private static SubscriptionManager Manager(PhonesFixture f, PhonesSettings? settings = null) => f.Manager(settings);

    private static Subscription Accept(SubscriptionManager m, PhonesFixture f, int? expires = null, string? bound = "1001", int limit = 20, MwiTarget? target = null)
    {
        var d = m.Subscribe(f.Dialog(), target ?? Target1001, expires, bound, limit);
        Assert.Equal(SubscribeStatus.Accepted, d.Status);
        m.Activate(d.Subscription!);
        return d.Subscription!;
    }

    [Theory]
    [InlineData(null, 3600)]
    [InlineData(600, 600)]
    [InlineData(60, 60)]
    [InlineData(100000, 7200)]
    public async Task Subscribe_Expires_NegotiatedDefaultAndClampedToMax(int? requested, int granted)
    {
        await using var f = await PhonesFixture.CreateAsync();
        var m = Manager(f);

        var d = m.Subscribe(f.Dialog(), Target1001, requested, "1001");

        Assert.Equal(SubscribeStatus.Accepted, d.Status);
        Assert.Equal(granted, d.Expires);
        Assert.Equal(PhonesFixture.Start.AddSeconds(granted), d.Subscription!.ExpiresAt);
    }

    [Fact]
    public async Task Subscribe_BelowMin_IntervalTooBriefWithMinAndNothingCreated()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var m = Manager(f);

        var d = m.Subscribe(f.Dialog(), Target1001, 59, "1001");

        Assert.Equal(SubscribeStatus.IntervalTooBrief, d.Status);
        Assert.Equal(60, d.MinExpires);
        Assert.Equal(0, m.Count);
    }

    [Fact]
    public async Task Activate_SendsInitialNotifyWithFullStateAndRemainingExpiry()
    {
        await using var f = await PhonesFixture.CreateAsync();
        await f.SetAsync("1001", 2, 8);
        var m = Manager(f);
        var d = m.Subscribe(f.Dialog(), Target1001, 600, "1001");
        f.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Empty(f.Sender.Sent);

        m.Activate(d.Subscription!);

        await f.Sender.WaitForAsync(1);
        var n = Assert.Single(f.Sender.Sent);
        Assert.Equal("active;expires=590", n.State);
        Assert.Equal(2, n.New);
        Assert.Equal(8, n.Old);
        Assert.Equal("sip:*97@example.com", n.Body.MessageAccount);
        Assert.Equal(1, n.CSeq);
    }

    [Fact]
    public async Task OnMailboxChanged_NotifyWithNewCountsAndNextCSeq()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var m = Manager(f);
        Accept(m, f);
        await f.Sender.WaitForAsync(1);

        await f.SetAsync("1001", 1);
        m.OnMailboxChanged(MailboxId.Parse("1001"));
        m.OnMailboxChanged(MailboxId.Parse("4444"));

        await f.Sender.WaitForAsync(2);
        var n = f.Sender.Sent[1];
        Assert.Equal(1, n.New);
        Assert.Equal(2, n.CSeq);
        Assert.StartsWith("active;expires=", n.State, StringComparison.Ordinal);
        Assert.Equal(2, f.Sender.Sent.Count);
    }

    [Fact]
    public async Task BurstOfChanges_WhileNotifyInFlight_OneInFlightAndTheLastStateArrives()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var m = Manager(f);
        f.Sender.Hold = true;
        Accept(m, f);
        await f.Sender.WaitForAsync(1);

        for (var i = 1; i <= 100; i++)
        {
            await f.SetAsync("1001", i);
            m.OnMailboxChanged(MailboxId.Parse("1001"));
        }

        Assert.Single(f.Sender.Sent);
        Assert.Equal(1, m.NotifiesInFlight);
        Assert.True(f.Sender.Release());
        await f.Sender.WaitForAsync(2);
        Assert.True(f.Sender.Release());
        Assert.Equal(2, f.Sender.Sent.Count);
        Assert.Equal(100, f.Sender.Sent[1].New);
        Assert.Equal(0, f.Sender.HeldCount);
    }

    [Fact]
    public async Task Refresh_ResetsExpiryAndNotifiesCurrentState()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var m = Manager(f);
        var sub = Accept(m, f, 600);
        await f.Sender.WaitForAsync(1);
        f.Time.Advance(TimeSpan.FromSeconds(500));

        var d = m.Refresh(sub.Dialog.CallId, sub.Dialog.LocalTag, sub.Dialog.RemoteTag, 600, "sip:1001@192.0.2.8:5062");
        m.Activate(d.Subscription!);

        Assert.Equal(SubscribeStatus.Accepted, d.Status);
        await f.Sender.WaitForAsync(2);
        Assert.Equal("active;expires=600", f.Sender.Sent[1].State);
        Assert.Equal("sip:1001@192.0.2.8:5062", f.Sender.Sent[1].Dialog!.RemoteTarget);
        f.Time.Advance(TimeSpan.FromSeconds(200));
        Assert.Equal(1, m.Count);
        Assert.Equal(2, f.Sender.Sent.Count);
    }

    [Fact]
    public async Task Refresh_ExpiresZero_FinalNotifyTerminatedWithoutReasonThenUnknownDialog()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var m = Manager(f);
        var sub = Accept(m, f);
        await f.Sender.WaitForAsync(1);

        var d = m.Refresh(sub.Dialog.CallId, sub.Dialog.LocalTag, sub.Dialog.RemoteTag, 0, null);
        Assert.Equal(0, d.Expires);
        m.Activate(d.Subscription!);

        await f.Sender.WaitForAsync(2);
        Assert.Equal("terminated", f.Sender.Sent[1].State);
        Assert.Equal(0, m.Count);
        Assert.Equal(SubscribeStatus.NoSuchDialog, m.Refresh(sub.Dialog.CallId, sub.Dialog.LocalTag, sub.Dialog.RemoteTag, 600, null).Status);
    }

    [Fact]
    public async Task Refresh_UnknownDialog_NoSuchDialog()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var m = Manager(f);
        var sub = Accept(m, f);

        Assert.Equal(SubscribeStatus.NoSuchDialog, m.Refresh(sub.Dialog.CallId, "other", sub.Dialog.RemoteTag, 600, null).Status);
        Assert.Equal(SubscribeStatus.NoSuchDialog, m.Refresh("nope", sub.Dialog.LocalTag, sub.Dialog.RemoteTag, 600, null).Status);
    }

    [Fact]
    public async Task Refresh_BelowMin_IntervalTooBriefAndSubscriptionKept()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var m = Manager(f);
        var sub = Accept(m, f, 600);

        var d = m.Refresh(sub.Dialog.CallId, sub.Dialog.LocalTag, sub.Dialog.RemoteTag, 5, null);

        Assert.Equal(SubscribeStatus.IntervalTooBrief, d.Status);
        Assert.Equal(PhonesFixture.Start.AddSeconds(600), sub.ExpiresAt);
    }

    [Fact]
    public async Task Expiry_WithoutRefresh_FinalNotifyTerminatedTimeoutAndRemoved()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var m = Manager(f);
        Accept(m, f, 60);
        await f.Sender.WaitForAsync(1);

        f.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Single(f.Sender.Sent);
        f.Time.Advance(TimeSpan.FromSeconds(1));

        await f.Sender.WaitForAsync(2);
        Assert.Equal("terminated;reason=timeout", f.Sender.Sent[1].State);
        Assert.Equal(0, m.Count);
    }

    [Theory]
    [InlineData(481)]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task NotifyAnswered481OrTimedOutOrTransportError_EndsSubscriptionWithoutFinalNotify(int code)
    {
        await using var f = await PhonesFixture.CreateAsync();
        var m = Manager(f);
        f.Sender.Answer = _ => code switch
        {
            481 => NotifyOutcome.FromStatus(481, "Call/Transaction Does Not Exist"),
            0 => NotifyOutcome.TimedOut,
            _ => NotifyOutcome.TransportFailed("connection refused"),
        };
        Accept(m, f);

        await f.Sender.WaitForAsync(1);
        Assert.Equal(0, m.Count);
        Assert.Single(f.Sender.Sent);
        Assert.False(m.IsCovered("1001", MailboxId.Parse("1001")));
    }

    [Fact]
    public async Task NotifyRejectedOtherwise_SubscriptionKept()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var m = Manager(f);
        f.Sender.Answer = _ => NotifyOutcome.FromStatus(500, "Server Error");
        var sub = Accept(m, f);

        await f.Sender.WaitForAsync(1);
        Assert.NotNull(sub.LastResult);
        Assert.Equal(1, m.Count);
        Assert.Equal("500 Server Error", sub.LastResult);
    }

    [Fact]
    public async Task PerEndpointBound_NewOneReplacesTheOldestWithFinalNotify()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var m = Manager(f);
        var first = Accept(m, f, limit: 2);
        Accept(m, f, limit: 2);
        await f.Sender.WaitForAsync(2);

        Accept(m, f, limit: 2);

        await f.Sender.WaitForAsync(4);
        var final = Assert.Single(f.Sender.Sent, n => n.State.StartsWith("terminated", StringComparison.Ordinal));
        Assert.Equal(first.Dialog.CallId, final.Dialog!.CallId);
        Assert.Equal(2, m.Count);
    }

    [Fact]
    public async Task TotalBound_Overloaded503WithRetryAfter()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var m = Manager(f, new PhonesSettings { Domain = "example.com", MaxSubscriptions = 2, RetryAfterSeconds = 17 });
        Accept(m, f, bound: null);
        Accept(m, f, bound: null);

        var d = m.Subscribe(f.Dialog(), Target1001, null, null);

        Assert.Equal(SubscribeStatus.Overloaded, d.Status);
        Assert.Equal(17, d.RetryAfterSeconds);
        Assert.Equal(2, m.Count);
    }

    [Fact]
    public async Task MinInterval_DefersNextNotifyButNeverTheFinalOne()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var m = Manager(f, new PhonesSettings { Domain = "example.com", MinNotifyInterval = TimeSpan.FromSeconds(5) });
        var sub = Accept(m, f);
        await f.Sender.WaitForAsync(1);

        await f.SetAsync("1001", 3);
        m.OnMailboxChanged(MailboxId.Parse("1001"));
        await f.SetAsync("1001", 4);
        m.OnMailboxChanged(MailboxId.Parse("1001"));
        Assert.Single(f.Sender.Sent);

        f.Time.Advance(TimeSpan.FromSeconds(5));
        await f.Sender.WaitForAsync(2);
        Assert.Equal(4, f.Sender.Sent[1].New);

        await f.SetAsync("1001", 5);
        m.OnMailboxChanged(MailboxId.Parse("1001"));
        m.Terminate(sub, "deactivated");
        await f.Sender.WaitForAsync(3);
        Assert.Equal("terminated;reason=deactivated", f.Sender.Sent[2].State);
        Assert.Equal(5, f.Sender.Sent[2].New);
    }

    [Fact]
    public async Task Coverage_WhileActive_AndEndedCallbackWhenTheLastOneEnds()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var m = Manager(f);
        var ended = new List<(string, MailboxId)>();
        m.CoverageEnded = (e, id) => ended.Add((e, id));
        var a = Accept(m, f);
        var b = Accept(m, f);

        Assert.True(m.IsCovered("1001", MailboxId.Parse("1001")));
        m.Terminate(a, null);
        Assert.True(m.IsCovered("1001", MailboxId.Parse("1001")));
        Assert.Empty(ended);
        m.Terminate(b, null);

        Assert.False(m.IsCovered("1001", MailboxId.Parse("1001")));
        Assert.Equal(("1001", MailboxId.Parse("1001")), Assert.Single(ended));
    }

    [Fact]
    public async Task NonAggregatedTarget_InitialNotifyPerMailboxAndChangesOnlyTheirPart()
    {
        await using var f = await PhonesFixture.CreateAsync();
        await f.SetAsync("2000@sales", 1);
        await f.SetAsync("2001@sales", 2);
        var m = Manager(f);
        var target = EndpointDirectory.TargetOf(PhoneEndpoint.Create("2000", "pw", "2000@sales", "2001@sales") with { Aggregate = false });
        Accept(m, f, target: target);
        await f.Sender.WaitForAsync(2);
        Assert.Equal(["sip:2000@example.com", "sip:2001@example.com"], f.Sender.Sent.Select(n => n.Body.MessageAccount));

        await f.SetAsync("2001@sales", 7);
        m.OnMailboxChanged(MailboxId.Parse("2001@sales"));

        await f.Sender.WaitForAsync(3);
        Assert.Equal("sip:2001@example.com", f.Sender.Sent[2].Body.MessageAccount);
        Assert.Equal(7, f.Sender.Sent[2].New);
        Assert.Equal([1L, 2, 3], f.Sender.Sent.Select(n => n.CSeq));
    }

    [Fact]
    public async Task Fetch_ExpiresZeroOnNewSubscribe_OneTerminatedNotify()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var m = Manager(f);

        Accept(m, f, 0);

        await f.Sender.WaitForAsync(1);
        Assert.Equal("terminated", Assert.Single(f.Sender.Sent).State);
        Assert.Equal(0, m.Count);
    }

    [Fact]
    public async Task TerminateEndpoint_EndsOnlyThatEndpointsSubscriptions()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var m = Manager(f);
        Accept(m, f);
        Accept(m, f, target: EndpointDirectory.TargetOf(PhoneEndpoint.Create("1002", "pw", "1002")));
        await f.Sender.WaitForAsync(2);

        Assert.Equal(1, m.TerminateEndpoint("1001", "deactivated"));

        await f.Sender.WaitForAsync(3);
        Assert.Equal("terminated;reason=deactivated", f.Sender.Sent[2].State);
        Assert.Equal(1, m.Count);
    }

    [Fact]
    public async Task Refresh_WhileANotifyIsInFlight_ItsNotifyWaitsForActivate()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var m = Manager(f);
        f.Sender.Hold = true;
        var sub = Accept(m, f);
        await f.Sender.WaitForAsync(1);

        var d = m.Refresh(sub.Dialog.CallId, sub.Dialog.LocalTag, sub.Dialog.RemoteTag, 0, null);
        f.Sender.Hold = false;
        Assert.True(f.Sender.Release());

        // The send loop ends once it finds the subscription held: then nothing more may have been sent.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (m.NotifiesInFlight > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(1);
        }

        Assert.Equal(0, m.NotifiesInFlight);
        Assert.Single(f.Sender.Sent);

        m.Activate(d.Subscription!);

        await f.Sender.WaitForAsync(2);
        Assert.Equal("terminated", f.Sender.Sent[1].State);
    }

    [Fact]
    public async Task OnMailboxDeleted_LastMailboxGone_FinalNotifyNoresourceAndRemoved()
    {
        await using var f = await PhonesFixture.CreateAsync();
        await f.SetAsync("1001", 3);
        var m = Manager(f);
        Accept(m, f, 600);
        await f.Sender.WaitForAsync(1);
        f.Time.Advance(TimeSpan.FromSeconds(30));

        await f.DeleteAsync("1001");
        m.OnMailboxDeleted(MailboxId.Parse("1001"));

        await f.Sender.WaitForAsync(2);
        var last = f.Sender.Sent[1];
        Assert.Equal("terminated;reason=noresource", last.State);
        Assert.Equal(2, last.CSeq);
        Assert.Equal(0, last.New);
        Assert.Equal(0, m.Count);
        Assert.False(m.IsCovered("1001", MailboxId.Parse("1001")));
    }

    [Fact]
    public async Task OnMailboxDeleted_AggregateWithMailboxLeft_NotifiesRemainingSumThenNoresourceWhenAllGone()
    {
        await using var f = await PhonesFixture.CreateAsync();
        await f.SetAsync("2000@sales", 1);
        await f.SetAsync("2001@sales", 2);
        var m = Manager(f);
        Accept(m, f, target: EndpointDirectory.TargetOf(PhoneEndpoint.Create("2000", "pw", "2000@sales", "2001@sales")), bound: "2000");
        await f.Sender.WaitForAsync(1);
        Assert.Equal(3, f.Sender.Sent[0].New);

        await f.DeleteAsync("2001@sales");
        m.OnMailboxDeleted(MailboxId.Parse("2001@sales"));

        await f.Sender.WaitForAsync(2);
        Assert.StartsWith("active;", f.Sender.Sent[1].State, StringComparison.Ordinal);
        Assert.Equal(1, f.Sender.Sent[1].New);
        Assert.Equal(1, m.Count);

        await f.DeleteAsync("2000@sales");
        m.OnMailboxDeleted(MailboxId.Parse("2000@sales"));

        await f.Sender.WaitForAsync(3);
        Assert.Equal("terminated;reason=noresource", f.Sender.Sent[2].State);
        Assert.Equal(0, m.Count);
    }

    [Fact]
    public async Task OnMailboxDeleted_MailboxRecreatedMeanwhile_ActiveNotifyWithNewState()
    {
        await using var f = await PhonesFixture.CreateAsync();
        await f.SetAsync("1001", 3);
        var m = Manager(f);
        Accept(m, f);
        await f.Sender.WaitForAsync(1);

        await f.DeleteAsync("1001");
        await f.SetAsync("1001", 5);
        m.OnMailboxDeleted(MailboxId.Parse("1001"));

        await f.Sender.WaitForAsync(2);
        Assert.StartsWith("active;", f.Sender.Sent[1].State, StringComparison.Ordinal);
        Assert.Equal(5, f.Sender.Sent[1].New);
        Assert.Equal(1, m.Count);
    }

    [Fact]
    public async Task OnMailboxDeleted_NotifyInFlight_FinalNotifyAfterItsAnswer()
    {
        await using var f = await PhonesFixture.CreateAsync();
        await f.SetAsync("1001", 3);
        f.Sender.Hold = true;
        var m = Manager(f);
        Accept(m, f);
        await f.Sender.WaitForAsync(1);

        await f.DeleteAsync("1001");
        m.OnMailboxDeleted(MailboxId.Parse("1001"));
        Assert.Single(f.Sender.Sent);
        f.Sender.Hold = false;
        Assert.True(f.Sender.Release());

        await f.Sender.WaitForAsync(2);
        Assert.Equal("terminated;reason=noresource", f.Sender.Sent[1].State);
        Assert.Equal(2, f.Sender.Sent[1].CSeq);
    }
}
