using Lantern.Mailboxes;
using Lantern.Phones;
using Lantern.Sip.Transport;

namespace Lantern.Tests.Phones;

public sealed class UnsolicitedNotifierTests
{
    private static readonly PhoneEndpoint Phone = PhoneEndpoint.Create("1001", "pw", "1001") with { VoicemailExtension = "*97" };
    private long _cseq;

    private RegisterRequest Reg(PhoneEndpoint e, string uri, int expires = 600) =>
        new(e, [new RegisterContact(uri, null)], false, expires, "call-" + uri, ++_cseq, [], SipTransportKind.Udp, "192.0.2.7", 5060, 0);

    private static PhonesService Service(PhonesFixture f, params PhoneEndpoint[] endpoints) =>
        f.Service(new EndpointDirectory(endpoints.Length == 0 ? [Phone] : endpoints), new PhonesSettings { Domain = "example.com", StartupWindow = TimeSpan.FromSeconds(30) });

    private static Subscription Subscribe(PhonesFixture f, PhonesService s, PhoneEndpoint e, SubscriptionDialog dialog)
    {
        var d = s.Subscriptions.Subscribe(dialog, EndpointDirectory.TargetOf(e), 600, e.Id);
        Assert.Equal(SubscribeStatus.Accepted, d.Status);
        var sent = f.Sender.Sent.Count;
        s.Subscriptions.Activate(d.Subscription!);
        Assert.Equal(sent + 1, f.Sender.Sent.Count);
        return d.Subscription!;
    }

    private static IReadOnlyList<SentNotify> Unsolicited(PhonesFixture f) => [.. f.Sender.Sent.Where(n => n.Contact is not null)];

    [Fact]
    public async Task NewBinding_GetsANotifyWithTheCurrentState()
    {
        await using var f = await PhonesFixture.CreateAsync();
        await f.SetAsync("1001", 1, 3);
        var s = Service(f);

        s.Registrar.RegisterAnswered(Reg(Phone, "sip:1001@192.0.2.7"));

        var n = Assert.Single(Unsolicited(f));
        Assert.Equal("sip:1001@192.0.2.7", n.Contact!.Uri);
        Assert.Equal(1, n.New);
        Assert.Equal("sip:*97@example.com", n.Body.MessageAccount);
    }

    [Fact]
    public async Task RoutineReRegister_NoNotify_ButAfterAFailedOneItResends()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var s = Service(f);
        s.Registrar.RegisterAnswered(Reg(Phone, "sip:1001@192.0.2.7"));
        s.Registrar.RegisterAnswered(Reg(Phone, "sip:1001@192.0.2.7"));
        Assert.Single(Unsolicited(f));

        f.Sender.Answer = _ => NotifyOutcome.TimedOut;
        await f.SetAsync("1001", 2);
        s.Unsolicited.OnMailboxChanged(MailboxId.Parse("1001"));
        Assert.Equal(2, Unsolicited(f).Count);
        var failed = s.Unsolicited.DeliveryOf("1001", "sip:1001@192.0.2.7");
        Assert.Equal("timeout", failed!.Value.LastFailure);

        f.Sender.Answer = _ => NotifyOutcome.FromStatus(200, "OK");
        s.Registrar.RegisterAnswered(Reg(Phone, "sip:1001@192.0.2.7"));

        Assert.Equal(3, Unsolicited(f).Count);
        Assert.Equal(2, Unsolicited(f)[2].New);
        s.Registrar.RegisterAnswered(Reg(Phone, "sip:1001@192.0.2.7"));
        Assert.Equal(3, Unsolicited(f).Count);
        Assert.NotNull(s.Unsolicited.DeliveryOf("1001", "sip:1001@192.0.2.7")!.Value.LastSuccessAt);
    }

    [Fact]
    public async Task ChangeWhileANewBindingAwaitsIts200_HeldThenOneNotifyWithTheNewStateOnceAnnounced()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var s = Service(f);
        var outcome = s.Registrar.Register(Reg(Phone, "sip:1001@192.0.2.7"));

        await f.SetAsync("1001", 2);
        s.Unsolicited.OnMailboxChanged(MailboxId.Parse("1001"));
        Assert.Empty(Unsolicited(f));

        s.Registrar.Announce(outcome);
        Assert.Equal(2, Assert.Single(Unsolicited(f)).New);
    }

    [Fact]
    public async Task ChangeWhileAReRegisterAwaitsIts200_SentOnceAnnounced()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var s = Service(f);
        s.Registrar.RegisterAnswered(Reg(Phone, "sip:1001@192.0.2.7"));
        Assert.Single(Unsolicited(f));
        var refresh = s.Registrar.Register(Reg(Phone, "sip:1001@192.0.2.7"));

        await f.SetAsync("1001", 3);
        s.Unsolicited.OnMailboxChanged(MailboxId.Parse("1001"));
        Assert.Single(Unsolicited(f));

        s.Registrar.Announce(refresh);
        Assert.Equal(2, Unsolicited(f).Count);
        Assert.Equal(3, Unsolicited(f)[1].New);
    }

    [Fact]
    public async Task Change_EachContactOfEachEndpointListingTheMailbox()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var shared = PhoneEndpoint.Create("2000", "pw", "2000", "1001");
        var quiet = PhoneEndpoint.Create("3000", "pw", "1001") with { Unsolicited = false };
        var s = Service(f, Phone, shared, quiet);
        s.Registrar.RegisterAnswered(Reg(Phone, "sip:a@192.0.2.1"));
        s.Registrar.RegisterAnswered(Reg(Phone, "sip:b@192.0.2.2"));
        s.Registrar.RegisterAnswered(Reg(shared, "sip:c@192.0.2.3"));
        s.Registrar.RegisterAnswered(Reg(quiet, "sip:d@192.0.2.4"));
        Assert.Equal(3, Unsolicited(f).Count);

        await f.SetAsync("1001", 4);
        s.Unsolicited.OnMailboxChanged(MailboxId.Parse("1001"));

        var changed = Unsolicited(f).Skip(3).ToList();
        Assert.Equal(["sip:a@192.0.2.1", "sip:b@192.0.2.2", "sip:c@192.0.2.3"], changed.Select(n => n.Contact!.Uri).Order(StringComparer.Ordinal));
        Assert.All(changed, n => Assert.Equal(4, n.New));
    }

    [Fact]
    public async Task BurstOfChanges_PerContactCoalescedAndTheLastStateArrives()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var s = Service(f);
        s.Registrar.RegisterAnswered(Reg(Phone, "sip:a@192.0.2.1"));
        f.Sender.Hold = true;

        for (var i = 1; i <= 50; i++)
        {
            await f.SetAsync("1001", i);
            s.Unsolicited.OnMailboxChanged(MailboxId.Parse("1001"));
        }

        Assert.Equal(2, Unsolicited(f).Count);
        Assert.True(f.Sender.Release());
        await f.Sender.WaitForAsync(3);
        Assert.True(f.Sender.Release());
        Assert.Equal(3, Unsolicited(f).Count);
        Assert.Equal(50, Unsolicited(f)[2].New);
    }

    [Fact]
    public async Task ActiveSubscription_SuppressesUnsolicitedUntilItEnds()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var s = Service(f);
        s.Registrar.RegisterAnswered(Reg(Phone, "sip:a@192.0.2.1"));
        var d = s.Subscriptions.Subscribe(f.Dialog(), EndpointDirectory.TargetOf(Phone), 600, "1001");
        s.Subscriptions.Activate(d.Subscription!);

        await f.SetAsync("1001", 1);
        s.Subscriptions.OnMailboxChanged(MailboxId.Parse("1001"));
        s.Unsolicited.OnMailboxChanged(MailboxId.Parse("1001"));
        Assert.Single(Unsolicited(f));

        s.Subscriptions.Terminate(d.Subscription!, null);
        await f.SetAsync("1001", 2);
        s.Unsolicited.OnMailboxChanged(MailboxId.Parse("1001"));

        Assert.Equal(2, Unsolicited(f).Count);
        Assert.Equal(2, Unsolicited(f)[1].New);
    }

    [Fact]
    public async Task Unsubscribe_OneNotifyWithTheCurrentStateAfterTheFinalOne()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var s = Service(f);
        s.Registrar.RegisterAnswered(Reg(Phone, "sip:a@192.0.2.1"));
        var dialog = f.Dialog();
        var sub = Subscribe(f, s, Phone, dialog);
        await f.SetAsync("1001", 3);
        s.Subscriptions.OnMailboxChanged(MailboxId.Parse("1001"));
        s.Unsolicited.OnMailboxChanged(MailboxId.Parse("1001"));
        Assert.Single(Unsolicited(f));

        var bye = s.Subscriptions.Refresh(dialog.CallId, dialog.LocalTag, dialog.RemoteTag, 0, null);
        Assert.Same(sub, bye.Subscription);
        s.Subscriptions.Activate(sub);
        Assert.Equal("terminated", f.Sender.Sent[^1].State);
        f.Time.Advance(UnsolicitedNotifier.CoverageSettle);

        Assert.Equal(2, Unsolicited(f).Count);
        var resumed = f.Sender.Sent[^1];
        Assert.Equal("sip:a@192.0.2.1", resumed.Contact!.Uri);
        Assert.Equal(3, resumed.New);
        Assert.Equal(0, s.Subscriptions.Count);
    }

    [Fact]
    public async Task SubscriptionExpires_OneNotifyToEveryContact()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var s = Service(f);
        s.Registrar.RegisterAnswered(Reg(Phone, "sip:a@192.0.2.1", 7200));
        s.Registrar.RegisterAnswered(Reg(Phone, "sip:b@192.0.2.2", 7200));
        Subscribe(f, s, Phone, f.Dialog());
        await f.SetAsync("1001", 2, 1);
        s.Unsolicited.OnMailboxChanged(MailboxId.Parse("1001"));
        Assert.Equal(2, Unsolicited(f).Count);

        f.Time.Advance(TimeSpan.FromSeconds(600));
        Assert.Equal("terminated;reason=timeout", f.Sender.Sent[^1].State);
        Assert.Equal(2, Unsolicited(f).Count);
        f.Time.Advance(UnsolicitedNotifier.CoverageSettle);

        var resumed = Unsolicited(f).Skip(2).ToList();
        Assert.Equal(["sip:a@192.0.2.1", "sip:b@192.0.2.2"], resumed.Select(n => n.Contact!.Uri).Order(StringComparer.Ordinal));
        Assert.All(resumed, n => Assert.Equal((2, 1), (n.New, n.Old)));
        f.Time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(4, Unsolicited(f).Count);
    }

    [Theory]
    [InlineData(481)]
    [InlineData(408)]
    public async Task InDialogNotifyEndsTheSubscription_UnsolicitedResumesWithTheNewState(int answer)
    {
        await using var f = await PhonesFixture.CreateAsync();
        var s = Service(f);
        s.Registrar.RegisterAnswered(Reg(Phone, "sip:a@192.0.2.1"));
        Subscribe(f, s, Phone, f.Dialog());
        f.Sender.Answer = n => n.Dialog is null ? NotifyOutcome.FromStatus(200, "OK")
            : answer == 481 ? NotifyOutcome.FromStatus(481, "Call/Transaction Does Not Exist") : NotifyOutcome.TimedOut;

        // Only the subscription hears of the change: while its NOTIFY was out, the mailbox was still covered.
        await f.SetAsync("1001", 5);
        s.Subscriptions.OnMailboxChanged(MailboxId.Parse("1001"));
        Assert.Equal(0, s.Subscriptions.Count);
        Assert.Single(Unsolicited(f));
        f.Time.Advance(UnsolicitedNotifier.CoverageSettle);

        Assert.Equal(2, Unsolicited(f).Count);
        Assert.Equal(5, Unsolicited(f)[1].New);
    }

    [Fact]
    public async Task AggregatedSubscriptionEnds_OneNotifyPerContactForAllItsMailboxes()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var both = PhoneEndpoint.Create("2000", "pw", "2000@sales", "2001@sales");
        var s = Service(f, both);
        s.Registrar.RegisterAnswered(Reg(both, "sip:a@192.0.2.1"));
        var sub = Subscribe(f, s, both, f.Dialog());
        await f.SetAsync("2000@sales", 1);
        await f.SetAsync("2001@sales", 2);

        s.Subscriptions.Terminate(sub, "deactivated");
        f.Time.Advance(UnsolicitedNotifier.CoverageSettle);

        Assert.Equal(2, Unsolicited(f).Count);
        Assert.Equal(3, Unsolicited(f)[1].New);
    }

    [Fact]
    public async Task AnotherSubscriptionStillCovers_NoUnsolicited()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var s = Service(f);
        s.Registrar.RegisterAnswered(Reg(Phone, "sip:a@192.0.2.1"));
        var first = Subscribe(f, s, Phone, f.Dialog());
        var second = Subscribe(f, s, Phone, f.Dialog());

        s.Subscriptions.Terminate(first, null);
        f.Time.Advance(UnsolicitedNotifier.CoverageSettle);
        Assert.Single(Unsolicited(f));

        s.Subscriptions.Terminate(second, null);
        f.Time.Advance(UnsolicitedNotifier.CoverageSettle);
        Assert.Equal(2, Unsolicited(f).Count);
    }

    [Fact]
    public async Task SubscriptionEndsWithSubscribeReplacesUnsolicitedOff_NothingExtra()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var both = Phone with { SubscribeReplacesUnsolicited = false };
        var s = Service(f, both);
        s.Registrar.RegisterAnswered(Reg(both, "sip:a@192.0.2.1"));
        var sub = Subscribe(f, s, both, f.Dialog());

        s.Subscriptions.Terminate(sub, null);
        f.Time.Advance(UnsolicitedNotifier.CoverageSettle);

        Assert.Single(Unsolicited(f));
    }

    [Fact]
    public async Task SubscribeReplacesUnsolicitedOff_BothFlow()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var both = Phone with { SubscribeReplacesUnsolicited = false };
        var s = Service(f, both);
        s.Registrar.RegisterAnswered(Reg(both, "sip:a@192.0.2.1"));
        var d = s.Subscriptions.Subscribe(f.Dialog(), EndpointDirectory.TargetOf(both), 600, "1001");
        s.Subscriptions.Activate(d.Subscription!);

        await f.SetAsync("1001", 1);
        s.Unsolicited.OnMailboxChanged(MailboxId.Parse("1001"));

        Assert.Equal(2, Unsolicited(f).Count);
    }

    [Fact]
    public async Task NonAggregated_OnceForEachMailboxWithItsAccount()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var split = PhoneEndpoint.Create("2000", "pw", "2000@sales", "2001@sales") with { Aggregate = false };
        var s = Service(f, split);

        s.Registrar.RegisterAnswered(Reg(split, "sip:a@192.0.2.1"));
        Assert.Equal(["sip:2000@example.com", "sip:2001@example.com"], Unsolicited(f).Select(n => n.Body.MessageAccount));

        await f.SetAsync("2001@sales", 3);
        s.Unsolicited.OnMailboxChanged(MailboxId.Parse("2001@sales"));

        Assert.Equal(3, Unsolicited(f).Count);
        Assert.Equal("sip:2001@example.com", Unsolicited(f)[2].Body.MessageAccount);
    }

    [Fact]
    public async Task Startup_EveryContactOnceSpreadOverTheWindow()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var phones = Enumerable.Range(0, 10).Select(i => PhoneEndpoint.Create("p" + i, "pw", "m" + i)).ToArray();
        var before = Service(f, phones);
        foreach (var p in phones)
        {
            before.Registrar.RegisterAnswered(Reg(p, "sip:" + p.Id + "@192.0.2.1"));
        }

        await before.FlushAsync(CancellationToken.None);
        await before.StopAsync(CancellationToken.None);
        var sentBefore = f.Sender.Sent.Count;

        var after = Service(f, phones);
        await after.StartAsync(CancellationToken.None);

        Assert.Equal(1, f.Sender.Sent.Count - sentBefore);
        f.Time.Advance(TimeSpan.FromSeconds(14));
        Assert.Equal(5, f.Sender.Sent.Count - sentBefore);
        f.Time.Advance(TimeSpan.FromSeconds(16));
        Assert.Equal(10, f.Sender.Sent.Count - sentBefore);
        Assert.Equal(10, f.Sender.Sent.Skip(sentBefore).Select(n => n.Contact!.Uri).Distinct().Count());
    }

    [Fact]
    public async Task Unbound_NoMoreNotifies()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var s = Service(f);
        s.Registrar.RegisterAnswered(Reg(Phone, "sip:a@192.0.2.1"));
        s.Registrar.RegisterAnswered(Reg(Phone, "sip:a@192.0.2.1", 0));

        await f.SetAsync("1001", 1);
        s.Unsolicited.OnMailboxChanged(MailboxId.Parse("1001"));

        Assert.Single(Unsolicited(f));
    }
}
