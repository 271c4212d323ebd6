using Lantern.Mailboxes;
using Lantern.Phones;
using Lantern.Sip.Transport;
using Lantern.Storage;
using Lantern.Storage.Postgres;
using Lantern.Tests.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Lantern.Tests.Phones;

/// <summary>Issue 11 item 1 with two or three nodes on one PostgreSQL (LANTERN_TEST_POSTGRES), each test in a fresh database:
/// a node loads and notifies only what it owns, survivors take a dead node's dialogs over, and a phone's own request moves
/// its dialog.</summary>
[PostgresTestClass]
public sealed class ClusterOwnershipTests : IAsyncLifetime
{
    private static readonly MailboxId Box = MailboxId.Parse("1001@default");
    private static readonly PhoneEndpoint Subscriber = PhoneEndpoint.Create("9", "pw", "1001");
    private static readonly MwiTarget Target = EndpointDirectory.TargetOf(Subscriber);
    private static readonly PhonesSettings Settings = new() { Domain = "example.com", StartupWindow = TimeSpan.Zero };
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private readonly string _database = $"lantern_own_{Guid.NewGuid():N}";
    private readonly List<Node> _nodes = [];
    private int _dialogs;

    private static string Admin => PostgresTestClassAttribute.ConnectionString ?? string.Empty;

    private string ConnectionString => new NpgsqlConnectionStringBuilder(Admin) { Database = _database }.ToString();

    public async Task InitializeAsync()
    {
        if (PostgresTestClassAttribute.ConnectionString is null)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(Admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {_database}", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        if (PostgresTestClassAttribute.ConnectionString is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(Admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    [StoreFact]
    public async Task RestartedNode_LoadsOnlyItsOwn_OneChangeGivesOneNotifyFromTheOwner()
    {
        var a = await StartAsync("a");
        var b = await StartAsync("b");
        var onB = await SubscribeAsync(b);
        var onA = await SubscribeAsync(a);

        // A restarts (same node id): before ownership it loaded B's subscription too and notified it from then on.
        await a.DisposeAsync();
        a = await StartAsync("a");
        await a.Sender.WaitForAsync(1);
        await SetAsync(a, 5);

        await WaitForAsync(b.Sender, n => n.Dialog?.Key == onB.Key && n.New == 5, "B notifies its phone");
        await WaitForAsync(a.Sender, n => n.Dialog?.Key == onA.Key && n.New == 5, "A notifies its own phone");
        Assert.DoesNotContain(a.Sender.Sent, n => n.Dialog?.Key == onB.Key);
        Assert.Equal(1, a.Service.Subscriptions.Count);
    }

    [StoreFact]
    public async Task RestartedNode_NeverTerminatesNorDeletesAnotherNodesSubscription()
    {
        var a = await StartAsync("a");
        var b = await StartAsync("b");
        var onB = await SubscribeAsync(b, expires: 60);
        await a.DisposeAsync();
        a = await StartAsync("a");

        // The phone refreshes on B to a longer expiry, then A's clock passes the old one: A must not end B's dialog.
        Assert.Equal(SubscribeStatus.Accepted, b.Service.Subscriptions.Refresh(onB.Dialog.CallId, onB.Dialog.LocalTag, onB.Dialog.RemoteTag, 3600, null).Status);
        b.Service.Subscriptions.Activate(onB);
        await b.Service.FlushAsync(CancellationToken.None);
        a.Time.Advance(TimeSpan.FromSeconds(120));
        await a.Service.FlushAsync(CancellationToken.None);

        Assert.DoesNotContain(a.Sender.Sent, n => n.Dialog?.Key == onB.Key);
        Assert.Equal([onB.Key], await OwnedAsync("b"));

        // The phone unsubscribes on B: B sends the final NOTIFY, A nothing, and a later change reaches nobody.
        Assert.Equal(SubscribeStatus.Accepted, b.Service.Subscriptions.Refresh(onB.Dialog.CallId, onB.Dialog.LocalTag, onB.Dialog.RemoteTag, 0, null).Status);
        b.Service.Subscriptions.Activate(onB);
        await WaitForAsync(b.Sender, n => n.Dialog?.Key == onB.Key && n.State.StartsWith("terminated", StringComparison.Ordinal), "B's final NOTIFY");
        await SetAsync(a, 7);
        await WaitForAsync(b.Sender, _ => b.Service.Subscriptions.Count == 0, "B forgot the subscription");
        Assert.DoesNotContain(a.Sender.Sent, n => n.Dialog?.Key == onB.Key);
    }

    [StoreFact]
    public async Task DeadNode_SurvivorTakesItsDialogOver_SameDialogCSeqAboveTheLastAndCurrentState()
    {
        var a = await StartAsync("a", lease: TimeSpan.FromMilliseconds(300));
        var b = await StartAsync("b", lease: TimeSpan.FromMilliseconds(300));
        var onA = await SubscribeAsync(a);
        for (var i = 1; i <= 3; i++)
        {
            await SetAsync(a, i);
            await WaitForAsync(a.Sender, n => n.Dialog?.Key == onA.Key && n.New == i, $"A's NOTIFY {i}");
        }

        var lastCSeq = a.Sender.Sent.Where(n => n.Dialog?.Key == onA.Key).Max(n => n.CSeq);
        a.Kill();
        await SetAsync(b, 9);

        // B's renewals meanwhile take nothing while A's lease runs; once it has expired, one tick takes the dialog over.
        await WaitUntilLeaseExpiredAsync("a");
        await b.Service.Ownership!.TickAsync(CancellationToken.None);

        var taken = await WaitForAsync(b.Sender, n => n.Dialog?.Key == onA.Key, "B's NOTIFY in A's dialog");
        Assert.Equal((onA.Dialog.CallId, onA.Dialog.LocalTag, onA.Dialog.RemoteTag, onA.Dialog.RemoteTarget), (taken.Dialog!.CallId, taken.Dialog.LocalTag, taken.Dialog.RemoteTag, taken.Dialog.RemoteTarget));
        Assert.True(taken.CSeq > lastCSeq, $"CSeq {taken.CSeq} after {lastCSeq}");
        Assert.Equal(9, taken.New);
        Assert.StartsWith("active", taken.State, StringComparison.Ordinal);
        Assert.Equal([onA.Key], await OwnedAsync("b"));

        await SetAsync(b, 10);
        var next = await WaitForAsync(b.Sender, n => n.Dialog?.Key == onA.Key && n.New == 10, "B notifies the next change");
        Assert.True(next.CSeq > taken.CSeq);
    }

    [StoreFact]
    public async Task DeadNode_TwoSurvivorsAtOnce_EachRecordGoesToExactlyOne()
    {
        var lease = TimeSpan.FromMilliseconds(300);
        var a = await StartAsync("a", lease);
        var b = await StartAsync("b", lease);
        var c = await StartAsync("c", lease);
        var subs = new List<Subscription>();
        for (var i = 0; i < 20; i++)
        {
            subs.Add(await SubscribeAsync(a));
        }

        a.Kill();
        await WaitUntilLeaseExpiredAsync("a");
        await Task.WhenAll(b.Service.Ownership!.TickAsync(CancellationToken.None), c.Service.Ownership!.TickAsync(CancellationToken.None));

        Assert.Equal(20, b.Service.Subscriptions.Count + c.Service.Subscriptions.Count);
        foreach (var sub in subs)
        {
            var fromB = b.Sender.Sent.Count(n => n.Dialog?.Key == sub.Key);
            var fromC = c.Sender.Sent.Count(n => n.Dialog?.Key == sub.Key);
            Assert.True(fromB + fromC <= 1 && (fromB == 0 || fromC == 0), $"{sub.Key}: {fromB} NOTIFYs from B, {fromC} from C");
        }

        Assert.Equal(20, (await OwnedAsync("b")).Count + (await OwnedAsync("c")).Count);
    }

    [StoreFact]
    public async Task ExpiredNodeRenewing_WhileASurvivorTakesOver_NeverHoldsWhatTheSurvivorTook()
    {
        // The chaos test's "two senders": a node whose lease ran out renews and re-reads what it owns while a survivor's
        // takeover, already past judging it dead, is still committing. Both then adopted the same dialogs.
        var a = await StartAsync("a", TimeSpan.FromMilliseconds(300));
        var b = await StartAsync("b");
        for (var i = 0; i < 5; i++)
        {
            await SubscribeAsync(a);
        }

        await WaitUntilLeaseExpiredAsync("a");
        // Holding the records' row locks stops B's takeover midway, after it judged A dead.
        await using var blocker = new NpgsqlConnection(ConnectionString);
        await blocker.OpenAsync();
        await using var hold = await blocker.BeginTransactionAsync();
        await using (var lockRows = new NpgsqlCommand("SELECT 1 FROM records FOR UPDATE", blocker, hold))
        {
            await lockRows.ExecuteNonQueryAsync();
        }

        var taking = b.Ownership.TakeOverAsync(CancellationToken.None).AsTask();
        await WaitForLockWaitersAsync(1);
        var renewing = Task.Run(async () =>
        {
            var held = await a.Ownership.RenewLeaseAsync(CancellationToken.None);
            return (held, await a.Ownership.OwnedKeysAsync(SubscriptionManager.RecordKind, CancellationToken.None));
        });
        await Task.WhenAny(renewing, WaitForLockWaitersAsync(2));
        await hold.RollbackAsync();

        var taken = await taking.WaitAsync(Wait);
        var (stillHeld, ownedByA) = await renewing.WaitAsync(Wait);
        Assert.Equal(5, taken.Count);
        Assert.False(stillHeld);
        Assert.Empty(ownedByA);
    }

    [StoreFact]
    public async Task ExpiredNodeRenewing_NothingTaken_KeepsItsDialogsAndNotifiesThemOnce()
    {
        var a = await StartAsync("a", TimeSpan.FromMilliseconds(300));
        var sub = await SubscribeAsync(a);
        await WaitUntilLeaseExpiredAsync("a");
        var before = a.Sender.Sent.Count(n => n.Dialog?.Key == sub.Key);

        var last = a.Sender.Sent.Where(n => n.Dialog?.Key == sub.Key).Max(n => n.CSeq);
        await a.Service.Ownership!.TickAsync(CancellationToken.None);

        // The renewal found the lease gone: A re-read what it owns (all of it) and carries on, its dialog NOTIFYed again in
        // the dialog with the CSeq jump of an adoption.
        await WaitForAsync(a.Sender, n => n.Dialog?.Key == sub.Key && n.CSeq > last + 50, "the NOTIFY of the re-adoption");
        Assert.Equal(1, a.Service.Subscriptions.Count);
        Assert.Equal(before + 1, a.Sender.Sent.Count(n => n.Dialog?.Key == sub.Key));
        await SetAsync(a, 4);
        await WaitForAsync(a.Sender, n => n.Dialog?.Key == sub.Key && n.New == 4, "A notifies the next change");
    }

    [StoreFact]
    public async Task NoRenewalForTheFencingTime_NodeStopsNotifying_WhateverItsRenewalIsWaitingFor()
    {
        // In the chaos run a takeover call hung on a frozen database; no renewal was tried meanwhile, so nothing fenced the
        // node and it kept notifying past its lease while survivors took its dialogs. The fence is a timer now.
        var a = await StartAsync("a");
        var sub = await SubscribeAsync(a);
        var last = a.Sender.Sent.Where(n => n.Dialog?.Key == sub.Key).Max(n => n.CSeq);
        var ownership = a.Service.Ownership!;

        a.Time.Advance(a.Ownership.LeaseTime - ownership.Period);

        // Fenced: the dialog was dropped, and the next renewal (the loop's, on the store) reads it back and notifies it in
        // the dialog with the CSeq jump of an adoption.
        var again = await WaitForAsync(a.Sender, n => n.Dialog?.Key == sub.Key && n.CSeq > last + 50, "the NOTIFY of the re-adoption after the fence");
        Assert.Equal(1, a.Service.Subscriptions.Count);
        Assert.True(again.CSeq > last);
    }

    [StoreFact]
    public async Task LiveNode_LeaseRenewed_NothingIsTakenOver()
    {
        var a = await StartAsync("a", lease: TimeSpan.FromMilliseconds(800));
        var b = await StartAsync("b", lease: TimeSpan.FromMilliseconds(800));
        var onA = await SubscribeAsync(a);
        for (var i = 0; i < 4; i++)
        {
            await a.Service.Ownership!.TickAsync(CancellationToken.None);
            await b.Service.Ownership!.TickAsync(CancellationToken.None);
        }

        Assert.Equal(0, b.Service.Subscriptions.Count);
        Assert.Equal([onA.Key], await OwnedAsync("a"));
    }

    [StoreFact]
    public async Task DialogMove_RefreshReachesAnotherNode_ItTakesTheDialogAndTheOldOwnerForgetsIt()
    {
        var a = await StartAsync("a");
        var b = await StartAsync("b");
        var onA = await SubscribeAsync(a);
        await SetAsync(a, 1);
        await WaitForAsync(a.Sender, n => n.Dialog?.Key == onA.Key && n.New == 1, "A's NOTIFY");
        var lastCSeq = a.Sender.Sent.Where(n => n.Dialog?.Key == onA.Key).Max(n => n.CSeq);

        // The load balancer sent the phone's refresh to B: B claims the dialog instead of answering 481.
        Assert.Null(b.Service.Subscriptions.FindDialog(onA.Dialog.CallId, onA.Dialog.LocalTag, onA.Dialog.RemoteTag));
        Assert.True(await b.Service.ClaimSubscriptionAsync(onA.Key, CancellationToken.None));
        var refreshed = b.Service.Subscriptions.Refresh(onA.Dialog.CallId, onA.Dialog.LocalTag, onA.Dialog.RemoteTag, 600, null);
        Assert.Equal(SubscribeStatus.Accepted, refreshed.Status);
        b.Service.Subscriptions.Activate(refreshed.Subscription!);
        var first = await WaitForAsync(b.Sender, n => n.Dialog?.Key == onA.Key, "B's NOTIFY after the refresh");
        Assert.True(first.CSeq > lastCSeq, $"CSeq {first.CSeq} after {lastCSeq}");

        // A hears the record moved and forgets it without a NOTIFY; its later bookkeeping does not take it back.
        await WaitForAsync(a.Sender, _ => a.Service.Subscriptions.Count == 0, "A forgot the moved subscription");
        var sentByA = a.Sender.Sent.Count(n => n.Dialog?.Key == onA.Key);
        await SetAsync(a, 4);
        await WaitForAsync(b.Sender, n => n.Dialog?.Key == onA.Key && n.New == 4, "B notifies the change");
        await a.Service.FlushAsync(CancellationToken.None);
        Assert.Equal(sentByA, a.Sender.Sent.Count(n => n.Dialog?.Key == onA.Key));
        Assert.Equal([onA.Key], await OwnedAsync("b"));
    }

    [StoreFact]
    public async Task Registration_RefreshedOnAnotherNode_UnsolicitedDeliveryMovesThere()
    {
        var phone = PhoneEndpoint.Create("1001", "pw", "1001");
        var a = await StartAsync("a", directory: new EndpointDirectory([phone]));
        var b = await StartAsync("b", directory: new EndpointDirectory([phone]));
        Register(a, phone, cseq: 1);
        await a.Service.FlushAsync(CancellationToken.None);
        await WaitForAsync(a.Sender, n => n.Contact is not null, "A's unsolicited NOTIFY after the REGISTER");

        Register(b, phone, cseq: 2);
        await b.Service.FlushAsync(CancellationToken.None);
        await WaitForAsync(a.Sender, _ => a.Service.Registrar.Count == 0, "A forgot the binding");
        var fromA = a.Sender.Sent.Count(n => n.Contact is not null);

        await SetAsync(a, 3);
        await WaitForAsync(b.Sender, n => n.Contact is not null && n.New == 3, "B delivers the change");
        Assert.Equal(fromA, a.Sender.Sent.Count(n => n.Contact is not null));
        Assert.Equal(["1001\nsip:1001@192.0.2.9:5060"], await OwnedAsync("b", Registrar.RecordKind));
    }

    [StoreFact]
    public async Task Unsubscribe_AnsweredAfterAnotherNodeTookTheDialogOver_EndsItThereToo()
    {
        var lease = TimeSpan.FromMilliseconds(300);
        var a = await StartAsync("a", lease);
        var b = await StartAsync("b", lease);
        var onA = await SubscribeAsync(a);

        // A's lease lapses and B takes the dialog over; the phone's unsubscribe reaches A before A hears of the move (the
        // notification is held back here). A answers it once its delete is stored, which ends the dialog on B.
        a.Ownership.Released = null;
        await WaitUntilLeaseExpiredAsync("a");
        await b.Service.Ownership!.TickAsync(CancellationToken.None);
        await WaitForAsync(b.Sender, n => n.Dialog?.Key == onA.Key, "B's NOTIFY in the taken-over dialog");
        Assert.Equal(SubscribeStatus.Accepted, a.Service.Subscriptions.Refresh(onA.Dialog.CallId, onA.Dialog.LocalTag, onA.Dialog.RemoteTag, 0, null).Status);
        Assert.True(await a.Service.WhenStored());
        a.Service.Subscriptions.Activate(onA);
        await WaitForAsync(a.Sender, n => n.Dialog?.Key == onA.Key && n.State.StartsWith("terminated", StringComparison.Ordinal), "A's final NOTIFY");
        await WaitForAsync(b.Sender, _ => b.Service.Subscriptions.Count == 0, "B ended the dialog the phone had unsubscribed");
        Assert.Empty(await OwnedAsync("a"));
        Assert.Empty(await OwnedAsync("b"));
        var sentByB = b.Sender.Sent.Count(n => n.Dialog?.Key == onA.Key);
        var other = await SubscribeAsync(b);
        await SetAsync(b, 8);
        await WaitForAsync(b.Sender, n => n.Dialog?.Key == other.Key && n.New == 8, "B notifies its other phone");
        Assert.Equal(sentByB, b.Sender.Sent.Count(n => n.Dialog?.Key == onA.Key));
    }

    [StoreFact]
    public async Task Unsubscribe_ClaimKnownHereIsStale_RecordGoneAnyway_NoReloadNotifiesTheDialogAgain()
    {
        // Chaos seed 51228073: the record carried a claim this node did not know (a fenced node's reload had read the record
        // before the phone's request claimed it here, and that older claim replaced the new one). The unsubscribe's delete,
        // conditional on the claims known, removed nothing; the next fenced reload re-adopted the dialog and notified it
        // (CSeq 101) 1.76 s after the unsubscribe was answered.
        var a = await StartAsync("a", TimeSpan.FromMilliseconds(300));
        var sub = await SubscribeAsync(a);
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("UPDATE records SET claim = 12345", connection);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        Assert.Equal(SubscribeStatus.Accepted, a.Service.Subscriptions.Refresh(sub.Dialog.CallId, sub.Dialog.LocalTag, sub.Dialog.RemoteTag, 0, null).Status);
        Assert.True(await a.Service.WhenStored());
        a.Service.Subscriptions.Activate(sub);
        await WaitForAsync(a.Sender, _ => a.Service.Subscriptions.Count == 0, "A's final NOTIFY answered");
        await a.Service.FlushAsync(CancellationToken.None);
        Assert.Empty(await OwnedAsync("a"));

        // A's lease lapses; its next renewal re-reads what it owns.
        await WaitUntilLeaseExpiredAsync("a");
        await a.Service.Ownership!.TickAsync(CancellationToken.None);
        var other = await SubscribeAsync(a);
        await SetAsync(a, 6);
        await WaitForAsync(a.Sender, n => n.Dialog?.Key == other.Key && n.New == 6, "A notifies its other phone");
        Assert.DoesNotContain(a.Sender.Sent, n => n.Dialog?.Key == sub.Key && !n.State.StartsWith("terminated", StringComparison.Ordinal) && n.CSeq > 50);
        Assert.Equal(1, a.Service.Subscriptions.Count);
    }

    [StoreFact]
    public async Task Adopted_RecordReadJustBeforeItWasDeleted_ReservationChangesNothing_DialogDroppedWithoutANotify()
    {
        // A fenced node's reload (or a takeover) read the record, then the phone's unsubscribe answered on another node
        // deleted it, and the notification reached this node before the dialog was back in memory: the adoption must not
        // notify the unsubscribed phone.
        var a = await StartAsync("a");
        var sub = await SubscribeAsync(a);
        var read = await ((IRecordStore)a.Ownership).LoadAllAsync(SubscriptionManager.RecordKind, CancellationToken.None);
        Assert.Equal(1, a.Service.Subscriptions.ReleaseAllExcept(null));
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("DELETE FROM records", connection);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        Assert.Equal(1, a.Service.Subscriptions.Adopt(read, a.Service.Directory, notify: true));
        await a.Service.FlushAsync(CancellationToken.None);
        await WaitForAsync(a.Sender, _ => a.Service.Subscriptions.Count == 0, "A dropped the dialog whose record is gone");
        Assert.DoesNotContain(a.Sender.Sent, n => n.Dialog?.Key == sub.Key && n.CSeq > 50);
        Assert.Empty(await OwnedAsync("a"));
    }

    [StoreFact]
    public async Task StaleDelete_RecordClaimedOnAnotherNodeSince_IsNotDeleted_ItsOwnClaimIs()
    {
        var lease = TimeSpan.FromMilliseconds(300);
        await using var a = new PostgresStore(ConnectionString, NullLogger<PostgresStore>.Instance, "a", lease);
        await using var b = new PostgresStore(ConnectionString, NullLogger<PostgresStore>.Instance, "b", lease);
        await a.MigrateAsync(CancellationToken.None);
        var ownA = (IRecordOwnership)a.Records;
        await ownA.RenewLeaseAsync(CancellationToken.None);
        await ((IRecordOwnership)b.Records).RenewLeaseAsync(CancellationToken.None);

        // The phone registers on A, then (A's un-REGISTER still queued there) again on B; B dies and A takes the record over.
        await a.Records.WriteBatchAsync([new RecordWrite(Registrar.RecordKind, "k", "{}", null) { Claim = 1 }], CancellationToken.None);
        await b.Records.WriteBatchAsync([new RecordWrite(Registrar.RecordKind, "k", "{\"newer\":1}", null) { Claim = 2 }], CancellationToken.None);
        await WaitUntilLeaseExpiredAsync("b");
        await ownA.RenewLeaseAsync(CancellationToken.None);
        Assert.Single(await ownA.TakeOverAsync(CancellationToken.None));

        // A's delete from before B's claim must not remove it, though A owns the record again.
        await a.Records.WriteBatchAsync([new RecordWrite(Registrar.RecordKind, "k", null, null) { Claims = [1] }], CancellationToken.None);
        Assert.Equal(["k"], await OwnedAsync("a", Registrar.RecordKind));

        await a.Records.WriteBatchAsync([new RecordWrite(Registrar.RecordKind, "k", null, null) { Claims = [2] }], CancellationToken.None);
        Assert.Empty(await OwnedAsync("a", Registrar.RecordKind));
    }

    private static void Register(Node node, PhoneEndpoint phone, long cseq) =>
        node.Service.Registrar.RegisterAnswered(new RegisterRequest(phone, [new RegisterContact("sip:1001@192.0.2.9:5060", null)], false, 600, "reg-call", cseq, [], SipTransportKind.Udp, "192.0.2.9", 5060, 0));

    private async Task<Node> StartAsync(string id, TimeSpan? lease = null, EndpointDirectory? directory = null)
    {
        var node = new Node(new PostgresStore(ConnectionString, NullLogger<PostgresStore>.Instance, id, lease ?? TimeSpan.FromSeconds(30)));
        _nodes.Add(node);
        await node.StartAsync(directory ?? new EndpointDirectory([Subscriber]));
        return node;
    }

    private async Task<Subscription> SubscribeAsync(Node node, int expires = 600)
    {
        var n = Interlocked.Increment(ref _dialogs);
        var dialog = new SubscriptionDialog($"call-{n}", $"lt{n}", $"rt{n}", "sip:1001@example.com", "sip:1001@example.com", $"sip:1001@192.0.2.{n}:5060", ["<sip:lb.example.com;lr>"], SipTransportKind.Udp, "192.0.2.1", 5060, 0);
        var decision = node.Service.Subscriptions.Subscribe(dialog, Target, expires, null);
        Assert.Equal(SubscribeStatus.Accepted, decision.Status);
        await node.Service.WhenStored();
        node.Service.Subscriptions.Activate(decision.Subscription!);
        await WaitForAsync(node.Sender, s => s.Dialog?.Key == decision.Subscription!.Key, "the first NOTIFY");
        return decision.Subscription!;
    }

    private static async Task SetAsync(Node node, int count)
    {
        var r = await node.Mailboxes.UpdateAsync(Box, MailboxSource.Api, MailboxUpdate.Replace(new MailboxCounts(new MessageCounts(count, 0, 0, 0))), null, CancellationToken.None);
        Assert.True(r.Succeeded, r.Error);
    }

    private static async Task<SentNotify> WaitForAsync(FakeNotifySender sender, Func<SentNotify, bool> match, string what)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            foreach (var n in sender.Sent)
            {
                if (match(n))
                {
                    return n;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            // Each pass waits for the next NOTIFY (or re-checks shortly for conditions on tables, which have no event).
            try
            {
                await sender.WaitForAsync(sender.Sent.Count + 1).WaitAsync(TimeSpan.FromMilliseconds(50));
            }
            catch (TimeoutException)
            {
            }
        }
    }

    private async Task<List<string>> OwnedAsync(string node, string kind = SubscriptionManager.RecordKind)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT key FROM records WHERE kind = $1 AND owner = $2 ORDER BY key", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = node });
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    private async Task WaitForLockWaitersAsync(int count)
    {
        var deadline = DateTime.UtcNow + Wait;
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        while (true)
        {
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", connection);
            if ((long)(await command.ExecuteScalarAsync())! >= count)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"fewer than {count} sessions waiting for a lock");
            await Task.Delay(10);
        }
    }

    private async Task WaitUntilLeaseExpiredAsync(string node)
    {
        var deadline = DateTime.UtcNow + Wait;
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        while (true)
        {
            await using var command = new NpgsqlCommand("SELECT lease_expires_at - now() FROM nodes WHERE id = $1", connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = node });
            var left = (TimeSpan)(await command.ExecuteScalarAsync())!;
            if (left < TimeSpan.Zero)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"lease of {node} still running");
            // The lease ends at a known instant: wait until just after it rather than polling.
            await Task.Delay(left + TimeSpan.FromMilliseconds(20));
        }
    }

    /// <summary>One node: its store connection, mailbox replica and phones layer with a recording sender and its own clock.</summary>
    private sealed class Node : IAsyncDisposable
    {
        private readonly PostgresStore _store;
        private bool _disposed;

        public Node(PostgresStore store)
        {
            _store = store;
            Mailboxes = new MailboxService(store.Mailboxes, Time);
        }

        public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

        public FakeNotifySender Sender { get; } = new();

        public MailboxService Mailboxes { get; }

        public PhonesService Service { get; private set; } = null!;

        public Lantern.Storage.IRecordOwnership Ownership => (Lantern.Storage.IRecordOwnership)_store.Records;

        public async Task StartAsync(EndpointDirectory directory)
        {
            await _store.MigrateAsync(CancellationToken.None);
            await Mailboxes.LoadAsync(CancellationToken.None);
            _store.StartReplication(Mailboxes);
            Service = new PhonesService(Sender, Mailboxes, Settings, directory, _store.Records, Time, NullLoggerFactory.Instance);
            await Service.StartAsync(CancellationToken.None);
        }

        /// <summary>As after kill -9: nothing more is sent or renewed; what the store has stays as it is.</summary>
        public void Kill()
        {
            Sender.Answer = _ => throw new InvalidOperationException("a killed node sent a NOTIFY");
            _disposed = true;
            _ = Task.Run(async () =>
            {
                await Service.DisposeAsync();
                await _store.DisposeAsync();
                Mailboxes.Dispose();
            });
        }

        public async ValueTask DisposeAsync()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            await Service.DisposeAsync();
            await _store.DisposeAsync();
            Mailboxes.Dispose();
        }
    }
}
