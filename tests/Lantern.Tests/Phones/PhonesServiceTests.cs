using Lantern.Phones;
using Lantern.Sip.Transport;
using Lantern.Status;

namespace Lantern.Tests.Phones;

public sealed class PhonesServiceTests
{
    private static readonly PhoneEndpoint Phone = PhoneEndpoint.Create("1001", "pw", "1001") with { VoicemailExtension = "*97" };
    private static readonly PhonesSettings Settings = new() { Domain = "example.com", StartupWindow = TimeSpan.Zero };

    [Fact]
    public async Task ChangeFeed_MailboxUpdate_ReachesSubscriberAndContact()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var s = f.Service(new EndpointDirectory([Phone]), Settings);
        await s.StartAsync(CancellationToken.None);
        s.Registrar.RegisterAnswered(new RegisterRequest(Phone, [new RegisterContact("sip:a@192.0.2.1", null)], false, 600, "r", 1, [], SipTransportKind.Udp, "192.0.2.1", 5060, 0));
        var d = s.Subscriptions.Subscribe(f.Dialog(), EndpointDirectory.TargetOf(PhoneEndpoint.Create("9", "pw", "1001")), 600, null);
        s.Subscriptions.Activate(d.Subscription!);
        await f.Sender.WaitForAsync(2);

        await f.SetAsync("1001", 6);

        await f.Sender.WaitForAsync(4);
        Assert.Contains(f.Sender.Sent, n => n.Dialog is not null && n.New == 6);
        Assert.Contains(f.Sender.Sent, n => n.Contact is not null && n.New == 6);
    }

    [Fact]
    public async Task Adopter_ReservationNotStored_SendsNothing_NextAdopterNeverReusesACSeq()
    {
        // Chaos: a node adopting a dialog sent its first NOTIFY at the stored reservation + 1 before the new reservation was
        // stored; fenced before that write landed, the next adopter sent the same CSeq again, which a strict phone answers 500.
        await using var f = await PhonesFixture.CreateAsync();
        var directory = new EndpointDirectory([Phone]);
        var first = f.Service(directory, Settings);
        await first.StartAsync(CancellationToken.None);
        var sub = first.Subscriptions.Subscribe(f.Dialog("adopted"), EndpointDirectory.TargetOf(Phone), 600, "1001").Subscription!;
        Assert.True(await first.WhenStored());
        first.Subscriptions.Activate(sub);
        await f.Sender.WaitForAsync(1);
        await first.StopAsync(CancellationToken.None);

        // The second node reads the record (as a takeover or a fenced node's reload does) but cannot store its reservation,
        // and lets the dialog go before the writer's retry.
        f.Store.FailNextBatch = new InvalidOperationException("store down");
        var second = f.Service(directory, Settings);
        await second.StartAsync(CancellationToken.None);
        Assert.False(await second.WhenStored());
        await f.SetAsync("1001", 3);
        second.Subscriptions.ReleaseAllExcept(null);
        await second.StopAsync(CancellationToken.None);

        var third = f.Service(directory, Settings);
        await third.StartAsync(CancellationToken.None);
        await f.Sender.WaitForAsync(2);
        await f.SetAsync("1001", 4);
        await f.Sender.WaitForAsync(3);

        var cseqs = f.Sender.Sent.Where(n => n.Dialog?.Key == sub.Key).Select(n => n.CSeq).ToList();
        for (var i = 1; i < cseqs.Count; i++)
        {
            Assert.True(cseqs[i] > cseqs[i - 1], $"CSeqs the phone saw: {string.Join(", ", cseqs)}");
        }

        Assert.Equal(3, cseqs.Count);
        Assert.Equal(4, f.Sender.Sent[^1].New);
    }

    [Fact]
    public async Task ChangeFeed_MailboxDeleted_SubscriberGetsTerminatedNoresource()
    {
        await using var f = await PhonesFixture.CreateAsync();
        await f.SetAsync("1001", 2);
        var s = f.Service(new EndpointDirectory([Phone]), Settings);
        await s.StartAsync(CancellationToken.None);
        var d = s.Subscriptions.Subscribe(f.Dialog(), EndpointDirectory.TargetOf(PhoneEndpoint.Create("9", "pw", "1001")), 600, null);
        s.Subscriptions.Activate(d.Subscription!);
        await f.Sender.WaitForAsync(1);

        await f.DeleteAsync("1001");

        await f.Sender.WaitForAsync(2);
        var final = f.Sender.Sent.Last(n => n.Dialog is not null);
        Assert.Equal("terminated;reason=noresource", final.State);
        Assert.Equal(d.Subscription!.Dialog.CallId, final.Dialog!.CallId);
    }

    [Fact]
    public async Task Restart_LiveSubscriptionResumesWithNotifyOfCurrentStateAndHigherCSeq()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var directory = new EndpointDirectory([Phone, PhoneEndpoint.Create("1002", "pw", "1002")]);
        var first = f.Service(directory, Settings);
        await first.StartAsync(CancellationToken.None);
        var live = first.Subscriptions.Subscribe(f.Dialog("live"), EndpointDirectory.TargetOf(Phone), 600, "1001").Subscription!;
        first.Subscriptions.Activate(live);
        var gone = first.Subscriptions.Subscribe(f.Dialog("gone"), EndpointDirectory.TargetOf(directory.Find("1002")!), 600, "1002").Subscription!;
        first.Subscriptions.Activate(gone);
        var brief = first.Subscriptions.Subscribe(f.Dialog("brief"), EndpointDirectory.TargetOf(Phone), 60, "1001").Subscription!;
        first.Subscriptions.Activate(brief);
        await f.Sender.WaitForAsync(3);
        await first.FlushAsync(CancellationToken.None);
        await first.StopAsync(CancellationToken.None);
        Assert.Equal(3, f.Store.CountOf(SubscriptionManager.RecordKind));

        await f.SetAsync("1001", 9);
        f.Time.Advance(TimeSpan.FromSeconds(100));
        var second = f.Service(new EndpointDirectory([Phone]), Settings);
        await second.StartAsync(CancellationToken.None);

        await f.Sender.WaitForAsync(5);
        var resumed = f.Sender.Sent.Skip(3).Single(n => n.Dialog!.CallId == "live");
        Assert.Equal(9, resumed.New);
        Assert.Equal("active;expires=500", resumed.State);
        Assert.True(resumed.CSeq > 1);
        Assert.Equal(live.Dialog.LocalTag, resumed.Dialog!.LocalTag);
        var deactivated = f.Sender.Sent.Skip(3).Single(n => n.Dialog!.CallId == "gone");
        Assert.Equal("terminated;reason=deactivated", deactivated.State);
        Assert.DoesNotContain(f.Sender.Sent.Skip(3), n => n.Dialog!.CallId == "brief");
        Assert.Equal(1, second.Subscriptions.Count);
        await second.FlushAsync(CancellationToken.None);
        Assert.Equal(1, f.Store.CountOf(SubscriptionManager.RecordKind));
    }

    [Fact]
    public async Task Adopt_AfterUnsubscribeWhoseDeleteIsNotStoredYet_DoesNotBringTheDialogBack()
    {
        // Found by the cluster chaos test: a node fenced by a database restart reloads its own records when its lease comes
        // back; a phone's unsubscribe answered meanwhile had its delete still queued, so the dialog came back and was notified.
        await using var f = await PhonesFixture.CreateAsync();
        var directory = new EndpointDirectory([Phone]);
        var s = f.Service(directory, Settings);
        await s.StartAsync(CancellationToken.None);
        var sub = s.Subscriptions.Subscribe(f.Dialog("ended"), EndpointDirectory.TargetOf(Phone), 600, "1001").Subscription!;
        s.Subscriptions.Activate(sub);
        await f.Sender.WaitForAsync(1);
        await s.FlushAsync(CancellationToken.None);
        var stored = Assert.Single(f.Store.All(SubscriptionManager.RecordKind));

        f.Store.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.Equal(SubscribeStatus.Accepted, s.Subscriptions.Refresh("ended", sub.Dialog.LocalTag, sub.Dialog.RemoteTag, 0, null).Status);
        s.Subscriptions.Activate(sub);
        await f.Sender.WaitForAsync(2);
        Assert.StartsWith("terminated", f.Sender.Sent[1].State, StringComparison.Ordinal);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (s.Subscriptions.Count > 0)
        {
            // Removed right after its final NOTIFY is answered; the manager has no event for it.
            Assert.True(DateTime.UtcNow < deadline, "the unsubscribed dialog was never removed");
            await Task.Delay(10);
        }

        Assert.Equal(0, s.Subscriptions.Adopt([stored], directory, notify: true));
        Assert.Equal(0, s.Subscriptions.Count);

        f.Store.Gate.SetResult();
        await s.FlushAsync(CancellationToken.None);
        await f.SetAsync("1001", 4);
        Assert.Equal(0, f.Store.CountOf(SubscriptionManager.RecordKind));
        Assert.Equal(2, f.Sender.Sent.Count);
    }

    [Fact]
    public async Task Adopt_AfterUnregisterWhoseDeleteIsNotStoredYet_DoesNotBringTheBindingBack()
    {
        // The registrar's side of the race above: a fenced node reloading its own records while the delete of a binding
        // the phone un-REGISTERed is still queued brought the binding back (and its put replaced the queued delete).
        await using var f = await PhonesFixture.CreateAsync();
        var directory = new EndpointDirectory([Phone]);
        var s = f.Service(directory, Settings);
        await s.StartAsync(CancellationToken.None);
        s.Registrar.RegisterAnswered(Register(600, cseq: 1));
        await s.FlushAsync(CancellationToken.None);
        var stored = Assert.Single(f.Store.All(Registrar.RecordKind));

        f.Store.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        s.Registrar.RegisterAnswered(Register(0, cseq: 2));
        Assert.Equal(0, s.Registrar.Count);

        Assert.Equal(0, s.Registrar.Adopt([stored], directory));
        Assert.Equal(0, s.Registrar.Count);

        f.Store.Gate.SetResult();
        await s.FlushAsync(CancellationToken.None);
        Assert.Equal(0, f.Store.CountOf(Registrar.RecordKind));
    }

    private static RegisterRequest Register(int expires, long cseq) =>
        new(Phone, [new RegisterContact("sip:a@192.0.2.1", null)], false, expires, "unreg", cseq, [], SipTransportKind.Udp, "192.0.2.1", 5060, 0);

    [Fact]
    public async Task StoredSubscription_CorruptRecordSkipped()
    {
        await using var f = await PhonesFixture.CreateAsync();
        await f.Store.PutAsync(new Lantern.Storage.StoredRecord(SubscriptionManager.RecordKind, "x", "{not json", null), CancellationToken.None);
        await f.Store.PutAsync(new Lantern.Storage.StoredRecord(SubscriptionManager.RecordKind, "y", "{\"callId\":\"c\",\"parts\":[{\"mailboxes\":[\"bad id\"],\"account\":\"1\"}],\"expiresAt\":\"2030-01-01T00:00:00Z\"}", null), CancellationToken.None);
        var s = f.Service(new EndpointDirectory([Phone]), Settings);

        await s.StartAsync(CancellationToken.None);

        Assert.Equal(0, s.Subscriptions.Count);
    }

    [Fact]
    public async Task ApplyEndpoints_RemovedOrChangedEndpointDeactivatedOthersKept()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var a = PhoneEndpoint.Create("a", "pw", "1");
        var b = PhoneEndpoint.Create("b", "pw", "2");
        var c = PhoneEndpoint.Create("c", "pw", "3");
        var s = f.Service(new EndpointDirectory([a, b, c]), Settings);
        foreach (var e in new[] { a, b, c })
        {
            var d = s.Subscriptions.Subscribe(f.Dialog(e.Id), EndpointDirectory.TargetOf(e), 600, e.Id).Subscription!;
            s.Subscriptions.Activate(d);
        }

        await f.Sender.WaitForAsync(3);

        s.ApplyEndpoints(new EndpointDirectory([a with { Password = "new" }, c with { OmitUrgent = true }]));

        await f.Sender.WaitForAsync(5);
        var finals = f.Sender.Sent.Skip(3).ToList();
        Assert.All(finals, n => Assert.Equal("terminated;reason=deactivated", n.State));
        Assert.Equal(["b", "c"], finals.Select(n => n.Dialog!.CallId).Order(StringComparer.Ordinal));
        Assert.Equal(1, s.Subscriptions.Count);
        Assert.Null(s.Directory.Find("b"));
    }

    [Fact]
    public async Task Status_EndpointsRegistrationsSubscriptionsAndApiContacts()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var s = f.Service(new EndpointDirectory([Phone, PhoneEndpoint.Create("1002", null, "1002", "1003")]), Settings);
        await s.StartAsync(CancellationToken.None);
        s.Registrar.RegisterAnswered(new RegisterRequest(Phone, [new RegisterContact("sip:a@192.0.2.1", null)], false, 600, "r", 1, ["<sip:edge;lr>"], SipTransportKind.Tcp, "192.0.2.1", 5070, 3, "Yealink"));
        var sub = s.Subscriptions.Subscribe(f.Dialog(), EndpointDirectory.TargetOf(Phone), 600, "1001").Subscription!;
        s.Subscriptions.Activate(sub);
        var reader = s.Status;
        var writer = s.Status;

        var put = await writer.SetContactsAsync("1002", [new EndpointContactInput("sip:1002@192.0.2.9", 300)], CancellationToken.None);
        var missing = await writer.SetContactsAsync("nope", [], CancellationToken.None);
        var bad = await writer.SetContactsAsync("1002", [new EndpointContactInput("tel:+1")], CancellationToken.None);

        Assert.Equal(EndpointContactsStatus.Ok, put.Status);
        Assert.Equal("api", Assert.Single(put.Contacts).Origin);
        Assert.Equal(EndpointContactsStatus.NotFound, missing.Status);
        Assert.Equal(EndpointContactsStatus.Invalid, bad.Status);
        Assert.Equal(["1001", "1002"], reader.ListEndpoints().Select(e => e.Id));
        var e1001 = reader.FindEndpoint("1001")!;
        Assert.Equal("digest", e1001.Authentication);
        var contact = Assert.Single(e1001.Contacts);
        Assert.Equal("tcp 192.0.2.1:5070", contact.Remote);
        Assert.Equal("Yealink", contact.UserAgent);
        Assert.NotNull(contact.LastNotifySuccessAt);
        var subStatus = Assert.Single(e1001.Subscriptions);
        Assert.Equal("200 OK", subStatus.LastResult);
        Assert.Equal(["1001@default"], subStatus.Mailboxes);
        Assert.Equal("acl", reader.FindEndpoint("1002")!.Authentication);
        Assert.Null(reader.FindEndpoint("x"));
        Assert.Equal(2, reader.ListRegistrations().Count);
        Assert.Single(reader.ListSubscriptions());
    }
}
