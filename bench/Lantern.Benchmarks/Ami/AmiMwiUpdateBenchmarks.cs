using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Lantern.Ami;
using Lantern.Configuration;
using Lantern.Mailboxes;
using Lantern.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lantern.Benchmarks.Ami;

/// <summary>
/// AMI MWIUpdate throughput end to end (TCP on loopback, the real mailbox service, SQLite commit per write) over 1 and 10
/// sessions, each with one request in flight. Bounded: 5 measured invocations of <see cref="ActionsPerInvoke"/> actions.
/// Run: <c>dotnet run -c Release --project bench/Lantern.Benchmarks -- --filter '*AmiMwiUpdate*'</c>; read the Op/s column.
/// </summary>
[Config(typeof(LoadConfig))]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "BenchmarkDotNet owns the lifetime; GlobalCleanup disposes.")]
public class AmiMwiUpdateBenchmarks
{
    public const int ActionsPerInvoke = 1000;

    private const string Secret = "bench-secret";
    private readonly List<AmiLoadClient> _clients = [];
    private string _path = string.Empty;
    private SqliteStore? _store;
    private MailboxService? _service;
    private AmiServer? _server;
    private int _round;

    [Params(1, 10)]
    public int Sessions { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _path = Path.Combine(Path.GetTempPath(), $"lantern-ami-bench-{Guid.NewGuid():N}.db");
        _store = new SqliteStore(_path, NullLogger<SqliteStore>.Instance);
        await _store.MigrateAsync(CancellationToken.None);
        _service = new MailboxService(_store.Mailboxes, TimeProvider.System);
        await _service.LoadAsync(CancellationToken.None);
        var options = new AmiOptions
        {
            Listen = "127.0.0.1:0",
            MaxConnectionsPerUser = 100,
            Users = [new AmiUserOptions { Name = "bench", Secret = Secret, Write = true }],
        };
        _server = new AmiServer(options, options.MaxConnections, _service, TimeProvider.System, NullLogger<AmiServer>.Instance);
        await _server.StartAsync(CancellationToken.None);
        for (var i = 0; i < Sessions; i++)
        {
            _clients.Add(await AmiLoadClient.ConnectAsync(_server.LocalEndPoint!, "bench", Secret, CancellationToken.None));
        }
    }

    [Benchmark(OperationsPerInvoke = ActionsPerInvoke)]
    public async Task MwiUpdate()
    {
        _round++;
        var perSession = ActionsPerInvoke / Sessions;
        var tasks = new Task[Sessions];
        for (var s = 0; s < Sessions; s++)
        {
            tasks[s] = RunSessionAsync(_clients[s], s, perSession, _round);
        }

        await Task.WhenAll(tasks);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        foreach (var c in _clients)
        {
            await c.DisposeAsync();
        }

        _clients.Clear();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _service?.Dispose();
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        foreach (var suffix in (string[])["", "-wal", "-shm"])
        {
            File.Delete(_path + suffix);
        }
    }

    private static async Task RunSessionAsync(AmiLoadClient client, int session, int count, int round)
    {
        for (var i = 0; i < count; i++)
        {
            // 100 mailboxes per session; the counts change every round so each action commits a new version.
            var packet = $"Action: MWIUpdate\r\nActionID: {i}\r\nMailbox: {session}-{i % 100}@bench\r\nNewMessages: {round + i}\r\nOldMessages: 1\r\n\r\n";
            var answer = await client.RequestAsync(packet, CancellationToken.None);
            if (!answer.StartsWith("Response: Success", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("MWIUpdate failed: " + answer);
            }
        }
    }

    private sealed class LoadConfig : ManualConfig
    {
        public LoadConfig()
        {
            AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithStrategy(RunStrategy.Monitoring)
                .WithLaunchCount(1)
                .WithWarmupCount(1)
                .WithIterationCount(5)
                .WithInvocationCount(1)
                .WithUnrollFactor(1));
            AddColumn(StatisticColumn.OperationsPerSecond);
        }
    }
}
