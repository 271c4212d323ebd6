namespace Lantern.Configuration;

/// <summary><c>store</c>: SQLite (one node, the default) or PostgreSQL (cluster).</summary>
public sealed class StoreOptions
{
    /// <summary>Path of the SQLite database file.</summary>
    public string? Sqlite { get; set; }

    /// <summary>Npgsql connection string; selects PostgreSQL when set.</summary>
    public string? Postgres { get; set; }

    /// <summary>Cluster mode: how often a node tries to take the upstreams and their holder checks its hold; the
    /// upstreams' failover time after the holder dies.</summary>
    public int UpstreamFailoverMilliseconds { get; set; } = 1000;

    /// <summary>PostgreSQL: longest a command, or opening a connection, may take before the write or read fails (503).</summary>
    public int CommandTimeoutSeconds { get; set; } = 2;
}
