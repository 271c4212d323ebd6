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

    /// <summary>PostgreSQL: longest the schema migrations at start may take (a long one must not hit the short command timeout).</summary>
    public int MigrationTimeoutSeconds { get; set; } = 300;

    /// <summary>This node's id in a PostgreSQL cluster (unique per node, stable across its restarts); null for
    /// <c>host:port</c> of the machine name and the first SIP listener's port.</summary>
    public string? NodeId { get; set; }

    /// <summary>A node's lease in a PostgreSQL cluster: its phones are taken over this long after it stops renewing it.</summary>
    public int LeaseMilliseconds { get; set; } = 10_000;

    /// <summary>The node id in effect: <see cref="NodeId"/>, or the machine name and the first SIP listener's port (a random
    /// suffix when that port is 0, chosen at run time).</summary>
    public static string EffectiveNodeId(LanternOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrEmpty(options.Store.NodeId))
        {
            return options.Store.NodeId;
        }

        var port = options.Sip.Listen.Count > 0 ? options.Sip.Listen[0].Port : 5060;
        var suffix = port == 0 ? Guid.NewGuid().ToString("N")[..12] : port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Environment.MachineName + ":" + suffix;
    }
}
