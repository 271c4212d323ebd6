using Lantern.Storage;
using Lantern.Storage.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
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
}
