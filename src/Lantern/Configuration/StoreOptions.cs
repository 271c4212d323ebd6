namespace Lantern.Configuration;

/// <summary><c>store</c>: SQLite (one node, the default) or PostgreSQL (cluster).</summary>
public sealed class StoreOptions
{
    /// <summary>Path of the SQLite database file.</summary>
    public string? Sqlite { get; set; }

    /// <summary>Npgsql connection string; selects PostgreSQL when set.</summary>
    public string? Postgres { get; set; }
}
