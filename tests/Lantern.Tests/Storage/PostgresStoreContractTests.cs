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

    private protected override ILanternStore NewStore() =>
        new PostgresStore(new NpgsqlConnectionStringBuilder(Admin) { Database = _database, Pooling = false }.ToString(), NullLogger<PostgresStore>.Instance);

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
    public async Task Replication_WriteOnOneNode_OtherNodeFollowsAndPublishes()
    {
        var (storeA, a) = await NodeAsync(replicate: true);
        var (storeB, b) = await NodeAsync(replicate: true);
        await using (storeA)
        await using (storeB)
        using (a)
        using (b)
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
    }

    [StoreFact]
    public async Task UpdateAsync_NodeWithStaleState_VersionMismatchAndNothingWritten()
    {
        var (storeA, a) = await NodeAsync(replicate: false);
        var (storeB, b) = await NodeAsync(replicate: false);
        await using (storeA)
        await using (storeB)
        using (a)
        using (b)
        {
            var id = MailboxId.Parse("1001@default");
            await a.UpdateAsync(id, MailboxSource.Api, Set(1), null, CancellationToken.None);

            var stale = await b.UpdateAsync(id, MailboxSource.Api, Set(7), null, CancellationToken.None);

            Assert.Equal(MailboxWriteStatus.VersionMismatch, stale.Status);
            Assert.Contains("another node", stale.Error, StringComparison.Ordinal);
            var stored = Assert.Single(await storeB.Mailboxes.LoadAllAsync(CancellationToken.None));
            Assert.Equal(1, stored.Counts.Voice.New);
            Assert.Null(b.Find(id));
        }
    }
}
