namespace Lantern.Interop.Tests.Infrastructure.Cluster;

/// <summary>One <c>lantern serve</c> of a <see cref="LanternCluster"/>: keeps its directory and SIP/REST ports across
/// kills and restarts, and, when the cluster is proxied, its own <see cref="PostgresProxy"/> towards the database.</summary>
internal sealed class ClusterNode : IAsyncDisposable
{
    private readonly string _config;
    private readonly string _directory;
    private LanternProcess? _process;

    public ClusterNode(int index, string config, PostgresProxy? proxy)
    {
        Index = index;
        _config = config;
        Proxy = proxy;
        _directory = System.IO.Directory.CreateTempSubdirectory($"lantern-node{index}-").FullName;
        SipPort = FreePorts.NextForRestarts(udpToo: true);
        HttpPort = FreePorts.NextForRestarts(udpToo: false);
    }

    public int Index { get; }

    public int SipPort { get; }

    public int HttpPort { get; }

    /// <summary>The proxy between this node and PostgreSQL, or null when the node connects directly.</summary>
    public PostgresProxy? Proxy { get; }

    /// <summary>The running (or last) server process.</summary>
    public LanternProcess Process => _process ?? throw new InvalidOperationException($"node {Index} was never started");

    public bool IsRunning => _process is { IsRunning: true };

    /// <summary>Everything every run of this node printed so far (earlier runs first), for failure messages.</summary>
    public string Output => _earlier + (_process?.Output ?? "");

    private string _earlier = "";

    /// <summary>Starts the node; with <paramref name="waitReady"/> false it returns once the process runs.</summary>
    public async Task StartAsync(bool waitReady = true)
    {
        if (_process is not null)
        {
            _earlier += $"--- node {Index} run ended ---\n" + _process.Output + "\n";
            await _process.DisposeAsync();
            // A start that fails below must not leave the disposed process for DisposeAsync to kill again (that error
            // would hide why the start failed).
            _process = null;
        }

        _process = await LanternProcess.StartAsync(_config, _directory, SipPort, httpPort: HttpPort, waitReady: waitReady);
    }

    /// <summary><c>kill -9</c>: no shutdown path runs, PostgreSQL sees the sessions drop.</summary>
    public Task KillAsync() => Process.KillAsync();

    /// <summary>SIGTERM; returns the exit code and how long the exit took.</summary>
    public async Task<(int ExitCode, TimeSpan Took)> StopAsync()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var code = await Process.StopAsync();
        return (code, clock.Elapsed);
    }

    /// <summary><c>kill -9</c> then a start on the same ports and directory.</summary>
    public async Task RestartAsync()
    {
        if (IsRunning)
        {
            await KillAsync();
        }

        await StartAsync();
    }

    public HttpClient CreateAdminClient(TimeSpan? timeout = null) => Process.CreateAdminClient(timeout);

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        try
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left behind in the temporary directory.
        }
    }
}
