using Lantern.Storage;
using Lantern.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lantern.Tests.Storage;

/// <summary>The store contract against SQLite in a temporary file.</summary>
public sealed class SqliteStoreContractTests : StoreContractTests
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"lantern-test-{Guid.NewGuid():N}.db");

    protected override Task CreateLocationAsync() => Task.CompletedTask;

    protected override Task DropLocationAsync()
    {
        foreach (var suffix in (string[])["", "-wal", "-shm"])
        {
            File.Delete(_path + suffix);
        }

        return Task.CompletedTask;
    }

    private protected override ILanternStore NewStore() => new SqliteStore(_path, NullLogger<SqliteStore>.Instance);

    protected override async Task<long> CountHistoryRowsAsync(string mailboxId)
    {
        await using var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM mailbox_history WHERE mailbox_id = $id";
        command.Parameters.AddWithValue("$id", mailboxId);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
