using Lantern.Mailboxes;
using Lantern.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lantern.Tests.Storage;

/// <summary>SQLite specifics beyond the shared contract: group commit isolation and pragmas.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes through IAsyncLifetime.")]
public sealed class SqliteStoreTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"lantern-sqlite-{Guid.NewGuid():N}.db");
    private SqliteStore? _store;

    private SqliteStore Store => _store!;

    public async Task InitializeAsync()
    {
        _store = new SqliteStore(_path, NullLogger<SqliteStore>.Instance);
        await _store.MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        foreach (var suffix in (string[])["", "-wal", "-shm"])
        {
            File.Delete(_path + suffix);
        }
    }

    [Fact]
    public async Task WriteAsync_OneFailingUnitAmongConcurrentOnes_OnlyThatUnitFails()
    {
        var good = Enumerable.Range(0, 40).Select(i => Store.Mailboxes.UpsertAsync(
            new Mailbox(MailboxId.Parse($"{i}"), MailboxCounts.Empty, 1, MailboxSource.Api, DateTimeOffset.UnixEpoch), CancellationToken.None).AsTask()).ToList();
        var bad = Store.WriteAsync((c, t) => SqliteStore.Exec(c, t, "INSERT INTO no_such_table VALUES (1)"), CancellationToken.None).AsTask();

        await Assert.ThrowsAsync<SqliteException>(() => bad.WaitAsync(TimeSpan.FromSeconds(30)));
        await Task.WhenAll(good).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(40, (await Store.Mailboxes.LoadAllAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task MigrateAsync_NewFileInNewDirectory_OwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // No Unix modes to check.
        }

        var directory = Path.Combine(Path.GetTempPath(), $"lantern-private-{Guid.NewGuid():N}");
        var path = Path.Combine(directory, "lantern.db");
        try
        {
            await using (var store = new SqliteStore(path, NullLogger<SqliteStore>.Instance))
            {
                await store.MigrateAsync(CancellationToken.None);
                await store.Mailboxes.UpsertAsync(new Mailbox(MailboxId.Parse("1"), MailboxCounts.Empty, 1, MailboxSource.Api, DateTimeOffset.UnixEpoch), CancellationToken.None);
                const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                Assert.Equal(OwnerOnly | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
                Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
                Assert.Equal(OwnerOnly, File.GetUnixFileMode(path + "-wal"));
                Assert.Equal(OwnerOnly, File.GetUnixFileMode(path + "-shm"));
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task MigrateAsync_Opened_WalJournal()
    {
        await using var connection = await Store.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";

        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task LoadAllAsync_CorruptCounts_FailsNamingTheMailbox()
    {
        await Store.WriteAsync((c, t) => SqliteStore.Exec(c, t, "INSERT INTO mailboxes VALUES ('1@x', '1', 'x', '1,2,x,0', NULL, NULL, NULL, NULL, 1, 'api', 0, 0)"), CancellationToken.None);

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => Store.Mailboxes.LoadAllAsync(CancellationToken.None).AsTask());

        Assert.Contains("1@x", ex.Message, StringComparison.Ordinal);
    }
}
