using Lantern.Mailboxes;
using Lantern.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Lantern.Tests.Storage;

/// <summary>The store contract, written once and run against every store implementation.</summary>
public abstract class StoreContractTests : IAsyncLifetime
{
    private readonly List<ILanternStore> _opened = [];

    /// <summary>Creates the fresh, empty location (file or database) this test uses.</summary>
    protected abstract Task CreateLocationAsync();

    /// <summary>Removes the location.</summary>
    protected abstract Task DropLocationAsync();

    /// <summary>A new, not yet migrated store instance on this test's location.</summary>
    private protected abstract ILanternStore NewStore();

    /// <summary>History rows stored for one mailbox, counted in the database itself (reads are capped at the limit anyway).</summary>
    protected abstract Task<long> CountHistoryRowsAsync(string mailboxId);

    public Task InitializeAsync() => CreateLocationAsync();

    public async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }

        await DropLocationAsync();
    }

    private async Task<ILanternStore> OpenAsync()
    {
        var store = NewStore();
        _opened.Add(store);
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }

    private static Mailbox Sample(string id, int version = 1, bool allClasses = false, bool lapsed = false, MailboxSource? source = null)
    {
        var counts = allClasses
            ? new MailboxCounts(new(3, 2, 1, 0), new(0, 0, 0, 0), new(1, 1, 1, 1), new(int.MaxValue, 7, 5, 7), new(9, 0, 0, 0))
            : new MailboxCounts(new(1, 2, 0, 0));
        return new Mailbox(MailboxId.Parse(id), counts, version, source ?? MailboxSource.Api, DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_123), lapsed);
    }

    /// <summary>PostgreSQL has steps SQLite does not need (cluster ownership).</summary>
    protected virtual int LatestSchemaVersion => 3;

    [StoreFact]
    public async Task MigrateAsync_Twice_IsIdempotentAndReportsLatestVersion()
    {
        var first = await OpenAsync();
        var version = first.SchemaVersion;
        await first.DisposeAsync();
        _opened.Remove(first);
        var second = await OpenAsync();
        Assert.Equal(LatestSchemaVersion, version);
        Assert.Equal(version, second.SchemaVersion);
        Assert.True(await second.PingAsync(CancellationToken.None));
    }

    [StoreFact]
    public async Task UpsertAsync_ThenLoadAll_RoundTripsEveryField()
    {
        var store = await OpenAsync();
        var a = Sample("1001@default", 7, allClasses: true, lapsed: true, source: MailboxSource.Upstream("prov"));
        var b = Sample("x.y*#+-_@SIP_Remote", 1, source: MailboxSource.Peer("oldpbx"));
        await store.Mailboxes.UpsertAsync(a, CancellationToken.None);
        await store.Mailboxes.UpsertAsync(b, CancellationToken.None);

        var all = (await store.Mailboxes.LoadAllAsync(CancellationToken.None)).OrderBy(m => m.Id.ToString(), StringComparer.Ordinal).ToList();

        Assert.Equal([a, b], all);
    }

    [StoreFact]
    public async Task UpsertAsync_Existing_ReplacesRow()
    {
        var store = await OpenAsync();
        await store.Mailboxes.UpsertAsync(Sample("1001", 1, allClasses: true), CancellationToken.None);
        var replaced = Sample("1001", 2, lapsed: false);
        await store.Mailboxes.UpsertAsync(replaced, CancellationToken.None);

        var all = await store.Mailboxes.LoadAllAsync(CancellationToken.None);

        Assert.Equal(replaced, Assert.Single(all));
    }

    [StoreFact]
    public async Task DeleteAsync_ExistingAndMissing_RemovesWithoutError()
    {
        var store = await OpenAsync();
        await store.Mailboxes.UpsertAsync(Sample("1001"), CancellationToken.None);
        await store.Mailboxes.UpsertAsync(Sample("1002"), CancellationToken.None);

        await store.Mailboxes.DeleteAsync(MailboxId.Parse("1001"), CancellationToken.None);
        await store.Mailboxes.DeleteAsync(MailboxId.Parse("9999"), CancellationToken.None);

        Assert.Equal(MailboxId.Parse("1002"), Assert.Single(await store.Mailboxes.LoadAllAsync(CancellationToken.None)).Id);
    }

    [StoreFact]
    public async Task ApplyBatchAsync_TenThousandUpsertsAndDeletes_AllCommitted()
    {
        var store = await OpenAsync();
        await store.Mailboxes.UpsertAsync(Sample("gone"), CancellationToken.None);
        var upserts = Enumerable.Range(0, 10_000).Select(i => Sample($"{i}@batch", i + 1)).ToList();

        await store.Mailboxes.ApplyBatchAsync(upserts, [MailboxId.Parse("gone")], CancellationToken.None);

        var all = await store.Mailboxes.LoadAllAsync(CancellationToken.None);
        Assert.Equal(10_000, all.Count);
        Assert.Equal(upserts.ToHashSet(), all.ToHashSet());
    }

    [StoreFact]
    public async Task UpsertAsync_ManyConcurrentWriters_AllCommitted()
    {
        var store = await OpenAsync();
        var writes = Enumerable.Range(0, 200)
            .Select(i => store.Mailboxes.UpsertAsync(Sample($"{i}@parallel", i + 1), CancellationToken.None).AsTask());

        await Task.WhenAll(writes).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(200, (await store.Mailboxes.LoadAllAsync(CancellationToken.None)).Count);
    }

    [StoreFact]
    public async Task MailboxService_WriteDisposeReopen_StateSurvives()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_000).AddTicks(1234));
        var store = await OpenAsync();
        using (var service = new MailboxService(store.Mailboxes, time))
        {
            await service.LoadAsync(CancellationToken.None);
            var id = MailboxId.Parse("1001@default");
            await service.UpdateAsync(id, MailboxSource.Api, MailboxUpdate.Replace(new(new(2, 3, 1, 0), Fax: new(1, 0, 0, 0))), null, CancellationToken.None);
            await service.UpdateAsync(id, MailboxSource.Api, MailboxUpdate.SetClass(MessageClass.Voice, 4, null, null, null), null, CancellationToken.None);
            await service.UpdateAsync(MailboxId.Parse("p@SIP_Remote"), MailboxSource.Peer("pbx"), MailboxUpdate.Replace(MailboxCounts.Empty), null, CancellationToken.None);
            await service.SetPublicationLapsedAsync(MailboxId.Parse("p@SIP_Remote"), MailboxSource.Peer("pbx"), true, CancellationToken.None);
            await service.UpdateAsync(MailboxId.Parse("doomed"), MailboxSource.Api, MailboxUpdate.Replace(MailboxCounts.Empty), null, CancellationToken.None);
            await service.DeleteAsync(MailboxId.Parse("doomed"), MailboxSource.Api, CancellationToken.None);
            var expected = service.List(MailboxQuery.All);
            await store.DisposeAsync();
            _opened.Remove(store);

            var reopened = await OpenAsync();
            using var again = new MailboxService(reopened.Mailboxes, time);
            await again.LoadAsync(CancellationToken.None);

            Assert.Equal(expected, again.List(MailboxQuery.All));
            Assert.Equal(2, again.Find(id)!.Version);
            Assert.True(again.Find(MailboxId.Parse("p@SIP_Remote"))!.PublicationLapsed);
            Assert.Null(again.Find(MailboxId.Parse("doomed")));
        }
    }

    [StoreFact]
    public async Task History_ServiceWrites_RecordedNewestFirstWithActorKindAndCounts()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_000));
        var store = await OpenAsync();
        var actors = new MailboxActorContext();
        using var service = new MailboxService(store.Mailboxes, time, null, null, actors);
        await service.LoadAsync(CancellationToken.None);
        var id = MailboxId.Parse("1001@default");
        var peer = MailboxId.Parse("p@SIP_Remote");

        actors.Set("api:alice");
        await service.UpdateAsync(id, MailboxSource.Api, MailboxUpdate.Replace(new(new(2, 0, 1, 0), Fax: new(1, 0, 0, 0))), null, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(1));
        actors.Set("ami:bob");
        await service.UpdateBatchAsync([new MailboxBatchItem(id, MailboxUpdate.Replace(new(new(0, 2, 0, 1))))], MailboxSource.Api, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(1));
        actors.Set("cli:carol");
        await service.DeleteAsync(id, MailboxSource.Api, CancellationToken.None);
        actors.Set(null);
        await service.UpdateAsync(peer, MailboxSource.Peer("pbx"), MailboxUpdate.Replace(new(new(1, 0, 0, 0))), null, CancellationToken.None);
        await service.SetPublicationLapsedAsync(peer, MailboxSource.Peer("pbx"), true, CancellationToken.None);

        var history = await service.HistoryAsync(id, CancellationToken.None);

        var start = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_000);
        Assert.Equal(
            [
                new MailboxHistoryEntry(id, start.AddSeconds(2), MailboxHistoryKind.Deleted, MailboxSource.Api, "cli:carol", new(new(0, 2, 0, 1)), null, 2),
                new MailboxHistoryEntry(id, start.AddSeconds(1), MailboxHistoryKind.Updated, MailboxSource.Api, "ami:bob", new(new(2, 0, 1, 0), Fax: new(1, 0, 0, 0)), new(new(0, 2, 0, 1)), 2),
                new MailboxHistoryEntry(id, start, MailboxHistoryKind.Created, MailboxSource.Api, "api:alice", null, new(new(2, 0, 1, 0), Fax: new(1, 0, 0, 0)), 1),
            ],
            history);
        var peerHistory = await service.HistoryAsync(peer, CancellationToken.None);
        Assert.Equal([MailboxHistoryKind.Lapsed, MailboxHistoryKind.Created], peerHistory.Select(h => h.Kind));
        Assert.All(peerHistory, h => Assert.Equal("peer:pbx", h.Actor));
    }

    [StoreFact]
    public async Task History_ManyChanges_KeepsOnlyTheLastHundredPerMailbox()
    {
        var store = await OpenAsync();
        using var service = new MailboxService(store.Mailboxes, new FakeTimeProvider());
        await service.LoadAsync(CancellationToken.None);
        var busy = MailboxId.Parse("busy");
        var quiet = MailboxId.Parse("quiet");
        await service.UpdateAsync(quiet, MailboxSource.Api, MailboxUpdate.Replace(new(new(1, 0, 0, 0))), null, CancellationToken.None);
        for (var i = 1; i <= MailboxHistoryEntry.Limit + 30; i++)
        {
            await service.UpdateAsync(busy, MailboxSource.Api, MailboxUpdate.Replace(new(new(i, 0, 0, 0))), null, CancellationToken.None);
        }

        var history = await service.HistoryAsync(busy, CancellationToken.None);

        Assert.Equal(MailboxHistoryEntry.Limit, history.Count);
        Assert.Equal(MailboxHistoryEntry.Limit + 30, history[0].Version);
        Assert.Equal(31, history[^1].Version);
        Assert.Single(await service.HistoryAsync(quiet, CancellationToken.None));
        Assert.Equal(MailboxHistoryEntry.Limit, await CountHistoryRowsAsync(busy.ToString()));
        Assert.Equal(1, await CountHistoryRowsAsync(quiet.ToString()));
    }

    [StoreFact]
    public async Task Records_PutLoadReplaceDelete_RoundTrip()
    {
        var store = await OpenAsync();
        var expires = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_456);
        await store.Records.PutAsync(new StoredRecord("subscription", "b", """{"x":1}""", expires), CancellationToken.None);
        await store.Records.PutAsync(new StoredRecord("subscription", "a", """{"x":2}""", null), CancellationToken.None);
        await store.Records.PutAsync(new StoredRecord("registration", "a", "{}", null), CancellationToken.None);
        await store.Records.PutAsync(new StoredRecord("subscription", "a", """{"x":3}""", expires), CancellationToken.None);

        var subs = await store.Records.LoadAllAsync("subscription", CancellationToken.None);
        Assert.Equal(
            [new StoredRecord("subscription", "a", """{"x":3}""", expires), new StoredRecord("subscription", "b", """{"x":1}""", expires)],
            subs);

        Assert.True(await store.Records.DeleteAsync("subscription", "a", CancellationToken.None));
        Assert.False(await store.Records.DeleteAsync("subscription", "a", CancellationToken.None));
        Assert.Single(await store.Records.LoadAllAsync("subscription", CancellationToken.None));
        Assert.Single(await store.Records.LoadAllAsync("registration", CancellationToken.None));
    }

    [StoreFact]
    public async Task Records_WriteBatch_PutsAndDeletesInOrder()
    {
        var store = await OpenAsync();
        var expires = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_456);
        await store.Records.PutAsync(new StoredRecord("subscription", "old", "{}", null), CancellationToken.None);
        var writes = new List<RecordWrite>();
        for (var i = 0; i < 500; i++)
        {
            writes.Add(new RecordWrite("subscription", "k" + i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture), "{}", expires));
        }

        writes.Add(new RecordWrite("subscription", "old", null, null));
        writes.Add(new RecordWrite("subscription", "k000", """{"v":2}""", null));
        writes.Add(new RecordWrite("subscription", "k001", null, null));
        writes.Add(new RecordWrite("subscription", "never", null, null));

        await store.Records.WriteBatchAsync(writes, CancellationToken.None);

        var subs = await store.Records.LoadAllAsync("subscription", CancellationToken.None);
        Assert.Equal(499, subs.Count);
        Assert.Equal(new StoredRecord("subscription", "k000", """{"v":2}""", null), subs[0]);
        Assert.Equal("k002", subs[1].Key);
        Assert.Equal(expires, subs[1].ExpiresAt);
    }

    [StoreFact]
    public async Task Records_WriteBatchWithAnInvalidWrite_RefusedWhole()
    {
        var store = await OpenAsync();
        RecordWrite[] writes = [new("subscription", "ok", "{}", null), new("subscription", new string('k', StoredRecord.MaxKeyLength + 1), "{}", null)];

        await Assert.ThrowsAsync<ArgumentException>(() => store.Records.WriteBatchAsync(writes, CancellationToken.None).AsTask());

        Assert.Empty(await store.Records.LoadAllAsync("subscription", CancellationToken.None));
    }

    [StoreFact]
    public async Task Records_DeleteExpired_RemovesOnlyExpired()
    {
        var store = await OpenAsync();
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_000);
        await store.Records.PutAsync(new StoredRecord("registration", "old", "{}", now.AddSeconds(-1)), CancellationToken.None);
        await store.Records.PutAsync(new StoredRecord("registration", "edge", "{}", now), CancellationToken.None);
        await store.Records.PutAsync(new StoredRecord("registration", "live", "{}", now.AddSeconds(1)), CancellationToken.None);
        await store.Records.PutAsync(new StoredRecord("registration", "forever", "{}", null), CancellationToken.None);

        Assert.Equal(2, await store.Records.DeleteExpiredAsync(now, CancellationToken.None));

        var keys = (await store.Records.LoadAllAsync("registration", CancellationToken.None)).Select(r => r.Key);
        Assert.Equal(["forever", "live"], keys);
    }

    [StoreFact]
    public async Task Records_OutOfBounds_RefusedWithReason()
    {
        var store = await OpenAsync();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            store.Records.PutAsync(new StoredRecord("", "k", "{}", null), CancellationToken.None).AsTask());
        Assert.Contains("kind", ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() =>
            store.Records.PutAsync(new StoredRecord("k", new string('k', StoredRecord.MaxKeyLength + 1), "{}", null), CancellationToken.None).AsTask());
    }
}
