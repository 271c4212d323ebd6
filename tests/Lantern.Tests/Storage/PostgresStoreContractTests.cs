using Lantern.Mailboxes;
using Lantern.Storage;
using Lantern.Storage.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Lantern.Tests.Storage;

/// <summary>The store contract against PostgreSQL (LANTERN_TEST_POSTGRES), each test in its own fresh database.</summary>
[PostgresTestClass]
public sealed class PostgresStoreContractTests : StoreContractTests
{
    private readonly string _database = $"lantern_test_{Guid.NewGuid():N}";

    private static string Admin => PostgresTestClassAttribute.ConnectionString
        ?? throw new InvalidOperationException(PostgresTestClassAttribute.Variable + " is not set");

    protected override async Task CreateLocationAsync()
    {
        await using var connection = new NpgsqlConnection(Admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {_database}", connection);
        await command.ExecuteNonQueryAsync();
    }

    protected override async Task DropLocationAsync()
    {
        await using var connection = new NpgsqlConnection(Admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    protected override int LatestSchemaVersion => 6;

    private protected override ILanternStore NewStore() =>
        new PostgresStore(new NpgsqlConnectionStringBuilder(Admin) { Database = _database, Pooling = false }.ToString(), NullLogger<PostgresStore>.Instance);

    protected override async Task<long> CountHistoryRowsAsync(string mailboxId)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Admin) { Database = _database, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM mailbox_history WHERE mailbox_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = mailboxId });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<(ILanternStore Store, MailboxService Service)> NodeAsync(bool replicate)
    {
        var store = NewStore();
        await store.MigrateAsync(CancellationToken.None);
        var service = new MailboxService(store.Mailboxes, new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20_000)));
        await service.LoadAsync(CancellationToken.None);
        if (replicate)
        {
            store.StartReplication(service);
        }

        return (store, service);
    }

    private static MailboxUpdate Set(int n) => MailboxUpdate.SetClass(MessageClass.Voice, n, 0, 0, 0);

    [StoreFact]
    public Task Replication_WriteOnOneNode_OtherNodeFollowsAndPublishes() => WithReplicatingNodesAsync(async (_, a, b) =>
    {
        using (var reader = b.Changes.Subscribe())
        {
            var id = MailboxId.Parse("1001@default");
            var written = await a.UpdateAsync(id, MailboxSource.Api, Set(3), null, CancellationToken.None);

            var seen = await reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(15));
            Assert.Equal((MailboxChangeKind.Updated, written.Mailbox), (seen.Kind, seen.Mailbox));
            Assert.Equal(written.Mailbox, b.Find(id));

            using (var readerA = a.Changes.Subscribe())
            {
                var moved = await b.UpdateAsync(id, MailboxSource.Api, Set(4), 1, CancellationToken.None);
                Assert.Equal(MailboxWriteStatus.Changed, moved.Status);
                var seenByA = await readerA.ReadAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(15));
                Assert.Equal(moved.Mailbox, seenByA.Mailbox);
                Assert.Equal(moved.Mailbox, a.Find(id));
            }

            await a.DeleteAsync(id, MailboxSource.Api, CancellationToken.None);
            var deadline = DateTime.UtcNow.AddSeconds(15);
            MailboxChange last;
            do
            {
                last = await reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(deadline - DateTime.UtcNow);
            }
            while (last.Kind != MailboxChangeKind.Deleted);

            Assert.Null(b.Find(id));
        }
    });

    [StoreFact]
    public Task UpdateAsync_NodeWithStaleMemory_WriteWithoutPreconditionLandsOnTheStoredRow() =>
        WithStaleNodeAsync(MailboxId.Parse("1001@default"), async (id, a, storeB, b) =>
        {
            var second = await b.UpdateAsync(id, MailboxSource.Api, Replace(0), null, CancellationToken.None);

            Assert.Equal(MailboxWriteStatus.Changed, second.Status);
            Assert.Equal(3, second.Mailbox!.Version);
            var stored = Assert.Single(await storeB.Mailboxes.LoadAllAsync(CancellationToken.None));
            Assert.Equal((0, 3L), (stored.Counts.Voice.New, stored.Version));
            Assert.Equal(stored, b.Find(id));

            // A is stale now: a delta without precondition applies to the stored 0, not to A's remembered 1.
            var delta = await a.UpdateAsync(id, MailboxSource.Api, Delta(+2), null, CancellationToken.None);
            Assert.Equal((MailboxWriteStatus.Changed, 2, 4L), (delta.Status, delta.Mailbox!.Counts.Voice.New, delta.Mailbox.Version));

            // If-Match keeps its meaning against the stored version, whatever B remembers.
            var stale = await b.UpdateAsync(id, MailboxSource.Api, Replace(7), 3, CancellationToken.None);
            Assert.Equal(MailboxWriteStatus.VersionMismatch, stale.Status);
            Assert.Contains("version 4", stale.Error, StringComparison.Ordinal);
            var current = await b.UpdateAsync(id, MailboxSource.Api, Replace(7), 4, CancellationToken.None);
            Assert.Equal((MailboxWriteStatus.Changed, 5L), (current.Status, current.Mailbox!.Version));
        });

    [StoreFact]
    public Task UpdateBatchAsync_NodeWithStaleMemory_NoChangeIsDecidedOnTheStoredRow() =>
        WithStaleNodeAsync(MailboxId.Parse("1002@default"), async (id, _, storeB, b) =>
        {
            var batch = await b.UpdateBatchAsync([new MailboxBatchItem(id, Replace(0))], MailboxSource.Api, CancellationToken.None);

            Assert.True(batch.Applied, string.Join("; ", batch.Errors));
            Assert.Equal(1, batch.Changed);
            var stored = Assert.Single(await storeB.Mailboxes.LoadAllAsync(CancellationToken.None));
            Assert.Equal((0, 3L), (stored.Counts.Voice.New, stored.Version));
        });

    [StoreFact]
    public Task UpdateAsync_PutOnOneNodeThenOtherNodeRightAfter_LastAcknowledgedWriteWinsEverywhere() => WithReplicatingNodesAsync(async (storeA, a, b) =>
    {
        for (var round = 0; round < 10; round++)
        {
            var id = MailboxId.Parse($"2{round:D3}@default");
            var one = await a.UpdateAsync(id, MailboxSource.Api, Replace(1), null, CancellationToken.None);
            var zero = await b.UpdateAsync(id, MailboxSource.Api, Replace(0), null, CancellationToken.None);
            Assert.True(one.Succeeded && zero.Succeeded, $"round {round}: {one.Error} {zero.Error}");

            var stored = await ((PostgresMailboxRepository)storeA.Mailboxes).LoadOneAsync(id, CancellationToken.None);
            Assert.Equal(0, stored!.Counts.Voice.New);
            await WaitForVoiceNewAsync(a, id, 0, $"round {round}: A shows 0/0");
            await WaitForVoiceNewAsync(b, id, 0, $"round {round}: B shows 0/0");
        }
    });

    [StoreFact]
    public Task UpdateAsync_ConcurrentDeltasFromTwoNodesWithoutPrecondition_NoneRefusedNoneLost() => WithReplicatingNodesAsync(async (storeA, a, b) =>
    {
        const int PerWorker = 20;
        const int WorkersPerNode = 2;
        var id = MailboxId.Parse("3000@default");
        await a.UpdateAsync(id, MailboxSource.Api, Replace(0), null, CancellationToken.None);
        var refusals = new System.Collections.Concurrent.ConcurrentBag<string>();
        var workers = new List<Task>();
        foreach (var node in new[] { a, b })
        {
            for (var w = 0; w < WorkersPerNode; w++)
            {
                workers.Add(Task.Run(async () =>
                {
                    for (var i = 0; i < PerWorker; i++)
                    {
                        var result = await node.UpdateAsync(id, MailboxSource.Api, Delta(+1), null, CancellationToken.None);
                        if (result.Status != MailboxWriteStatus.Changed)
                        {
                            refusals.Add($"{result.Status}: {result.Error}");
                        }
                    }
                }));
            }
        }

        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Empty(refusals);
        const int Total = 2 * WorkersPerNode * PerWorker;
        var stored = await ((PostgresMailboxRepository)storeA.Mailboxes).LoadOneAsync(id, CancellationToken.None);
        Assert.Equal((Total, Total + 1L), (stored!.Counts.Voice.New, stored.Version));
        await WaitForVoiceNewAsync(a, id, Total, "A shows every delta");
        await WaitForVoiceNewAsync(b, id, Total, "B shows every delta");
    });

    [StoreFact]
    public async Task UpstreamLock_TwoNodes_OneHoldsAndTheOtherTakesOverWhenItsSessionEnds()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(Admin) { Database = _database }.ToString();
        var interval = TimeSpan.FromMilliseconds(100);
        await using var a = new PostgresUpstreamLock(connectionString, interval, TimeProvider.System);
        await using var b = new PostgresUpstreamLock(connectionString, interval, TimeProvider.System);
        var lostA = await a.AcquireAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        var takenByB = b.AcquireAsync(CancellationToken.None);

        // B tries every interval; six of them pass without it getting the lock while A holds it.
        await Task.WhenAny(takenByB, Task.Delay(interval * 6));
        Assert.False(takenByB.IsCompleted, "B took the upstreams while A held them");

        // A's session ends as when its node dies: PostgreSQL frees the lock, B takes it and A learns it lost it.
        var aLost = new TaskCompletionSource();
        using var registration = lostA.Register(aLost.SetResult);
        await using (var admin = new NpgsqlConnection(connectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend($1)", admin);
            kill.Parameters.Add(new NpgsqlParameter<int> { TypedValue = a.HolderProcessId });
            Assert.True((bool)(await kill.ExecuteScalarAsync())!);
        }

        var lostB = await takenByB.WaitAsync(TimeSpan.FromSeconds(10));
        await aLost.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(lostB.IsCancellationRequested);
    }

    private async Task WithReplicatingNodesAsync(Func<ILanternStore, MailboxService, MailboxService, Task> body)
    {
        var (storeA, a) = await NodeAsync(replicate: true);
        var (storeB, b) = await NodeAsync(replicate: true);
        await using (storeA)
        await using (storeB)
        using (a)
        using (b)
        {
            await body(storeA, a, b);
        }
    }

    /// <summary>Two nodes that both know <paramref name="id"/> at 0/0 (version 1); then A writes 1/0 (version 2) and B,
    /// not replicating, does not hear of it: B's memory is stale as in the window before A's NOTIFY arrives.</summary>
    private async Task WithStaleNodeAsync(MailboxId id, Func<MailboxId, MailboxService, ILanternStore, MailboxService, Task> body)
    {
        var (storeA, a) = await NodeAsync(replicate: false);
        await using (storeA)
        using (a)
        {
            await a.UpdateAsync(id, MailboxSource.Api, Replace(0), null, CancellationToken.None);
            var (storeB, b) = await NodeAsync(replicate: false);
            await using (storeB)
            using (b)
            {
                var first = await a.UpdateAsync(id, MailboxSource.Api, Replace(1), null, CancellationToken.None);
                Assert.Equal((MailboxWriteStatus.Changed, 2L), (first.Status, first.Mailbox!.Version));
                await body(id, a, storeB, b);
            }
        }
    }

    private static MailboxUpdate Replace(int n) => MailboxUpdate.Replace(new MailboxCounts(new MessageCounts(n, 0, 0, 0)));

    private static MailboxUpdate Delta(int n) => MailboxUpdate.Delta(new Dictionary<MessageClass, MessageCountsDelta> { [MessageClass.Voice] = new(n, 0, 0, 0) });

    // Replication is asynchronous: wait on the node's change feed, bounded, until it shows the count.
    private static async Task WaitForVoiceNewAsync(MailboxService node, MailboxId id, int expected, string what)
    {
        using var reader = node.Changes.Subscribe();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (node.Find(id)?.Counts.Voice.New != expected)
        {
            var left = deadline - DateTime.UtcNow;
            Assert.True(left > TimeSpan.Zero, $"timed out waiting until {what} (has {node.Find(id)?.Counts.Voice.New})");
            try
            {
                await reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(left);
            }
            catch (TimeoutException)
            {
            }
        }
    }
}
