using System.Globalization;

namespace Lantern.Interop.Tests.Infrastructure.Cluster;

/// <summary>N <c>lantern serve</c> nodes on one database of a <see cref="PrivatePostgres"/> of the test's own, with the faults
/// of issue 11: <c>kill -9</c> and restart of a node, PostgreSQL restarted, stopped or frozen, and per node (when
/// <c>proxied</c>) a <see cref="PostgresProxy"/> that drops a COMMIT reply or freezes.</summary>
/// <remarks>Use inside a <see cref="ClusterFactAttribute"/> test (skipped without LANTERN_TEST_POSTGRES).</remarks>
internal sealed class LanternCluster : IAsyncDisposable
{
    /// <summary>A node configuration: {SIP_PORT}, {HTTP_PORT}, {AMI_PORT} as <see cref="TestConfigs.Minimal"/>, {PG} the
    /// connection string, {STORE} further <c>store</c> members (with a leading comma) or nothing, {EXTRA} further top-level members (with a leading comma) or nothing.</summary>
    public const string NodeConfig = """
        {
          "Logging": { "LogLevel": { "Default": "Warning", "Lantern": "Information" } },
          "sip": { "domain": "127.0.0.1", "digestAlgorithms": [ "MD5", "SHA-256" ], "listen": [
            { "transport": "udp", "address": "127.0.0.1", "port": {SIP_PORT} },
            { "transport": "tcp", "address": "127.0.0.1", "port": {SIP_PORT} } ] },
          "store": { "postgres": "{PG}"{STORE} },
          "http": { "listen": "127.0.0.1:{HTTP_PORT}", "users": [ { "name": "admin", "password": "pw" } ] },
          "ami": { "listen": "127.0.0.1:{AMI_PORT}", "users": [ { "name": "admin", "secret": "pw", "write": true } ] }{EXTRA}
        }
        """;

    private readonly List<ClusterNode> _nodes = [];
    private readonly List<PostgresProxy> _proxies = [];

    private LanternCluster(PrivatePostgres postgres, string database)
    {
        Postgres = postgres;
        Database = database;
    }

    public PrivatePostgres Postgres { get; }

    /// <summary>The test's database on <see cref="Postgres"/>.</summary>
    public string Database { get; }

    /// <summary>A direct connection string to the test's database (for the test's own reads).</summary>
    public string ConnectionString => Postgres.ConnectionString(Database);

    public IReadOnlyList<ClusterNode> Nodes => _nodes;

    public ClusterNode this[int index] => _nodes[index];

    /// <summary>Starts a private PostgreSQL, a database and <paramref name="nodes"/> nodes (all ready before it returns); with 0,
    /// the test adds and starts its nodes itself (<see cref="AddNode"/>).</summary>
    /// <param name="extraMembers">Further top-level config members, e.g. <c>"upstreams": [ … ]</c>; may hold {NODE} (the node's index).</param>
    /// <param name="proxied">Each node reaches PostgreSQL through a <see cref="PostgresProxy"/> of its own.</param>
    /// <param name="storeSettings">Further <c>store</c> members, e.g. <c>"commandTimeoutSeconds": 1</c>.</param>
    /// <param name="edit">Changes each node's configuration text (after the placeholders are filled), e.g. settings inside <c>sip</c>.</param>
    public static async Task<LanternCluster> StartAsync(int nodes, string? extraMembers = null, bool proxied = false, string? storeSettings = null, Func<string, string>? edit = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nodes);
        var postgres = await PrivatePostgres.StartAsync();
        LanternCluster? cluster = null;
        try
        {
            cluster = new LanternCluster(postgres, await postgres.CreateDatabaseAsync());
            for (var i = 0; i < nodes; i++)
            {
                cluster.AddNode(extraMembers, proxied, storeSettings, edit);
            }

            // The nodes migrate under an advisory lock, so they may start together.
            var starts = new List<Task>();
            foreach (var node in cluster._nodes)
            {
                starts.Add(node.StartAsync());
            }

            await Task.WhenAll(starts);
            return cluster;
        }
        catch
        {
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }
            else
            {
                await postgres.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Adds a node that is not started yet (start it with <see cref="ClusterNode.StartAsync"/>).</summary>
    public ClusterNode AddNode(string? extraMembers = null, bool proxied = false, string? storeSettings = null, Func<string, string>? edit = null)
    {
        var index = _nodes.Count;
        PostgresProxy? proxy = null;
        string pg;
        if (proxied)
        {
            proxy = PostgresProxy.Start(Postgres.Port);
            _proxies.Add(proxy);
            pg = proxy.ConnectionString(Database);
        }
        else
        {
            pg = ConnectionString;
        }

        var extra = string.IsNullOrEmpty(extraMembers)
            ? ""
            : ",\n" + extraMembers.Replace("{NODE}", index.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var config = NodeConfig
            .Replace("{PG}", pg, StringComparison.Ordinal)
            .Replace("{STORE}", string.IsNullOrEmpty(storeSettings) ? "" : ", " + storeSettings, StringComparison.Ordinal)
            .Replace("{EXTRA}", extra, StringComparison.Ordinal);
        var node = new ClusterNode(index, edit is null ? config : edit(config), proxy);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Every node's output, for failure messages.</summary>
    public string Describe()
    {
        var sb = new System.Text.StringBuilder();
        foreach (var node in _nodes)
        {
            sb.Append("--- node ").Append(node.Index).Append(" (SIP ").Append(node.SipPort).Append(", HTTP ").Append(node.HttpPort).AppendLine(") ---");
            sb.AppendLine(node.Output);
        }

        return sb.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        foreach (var proxy in _proxies)
        {
            await proxy.DisposeAsync();
        }

        await Postgres.DisposeAsync();
    }
}
