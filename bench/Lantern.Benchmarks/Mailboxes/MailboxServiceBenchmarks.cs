using BenchmarkDotNet.Attributes;
using Lantern.Mailboxes;
using Lantern.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lantern.Benchmarks.Mailboxes;

/// <summary>Durable mailbox writes on SQLite (WAL, synchronous=FULL): each acknowledged write is fsynced.
/// Run: <c>dotnet run -c Release --project bench/Lantern.Benchmarks -- --filter '*MailboxService*' --job short</c>.</summary>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "BenchmarkDotNet disposes in GlobalCleanup.")]
public class MailboxServiceBenchmarks
{
    private const int Concurrent = 64;
    private static readonly MailboxId One = MailboxId.Parse("1001@default");
    private readonly MailboxId[] _many = [.. Enumerable.Range(0, Concurrent).Select(i => MailboxId.Parse($"{2000 + i}@default"))];
    private string _path = string.Empty;
    private SqliteStore? _store;
    private MailboxService? _service;
    private int _counter;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _path = Path.Combine(Path.GetTempPath(), $"lantern-bench-{Guid.NewGuid():N}.db");
        _store = new SqliteStore(_path, NullLogger<SqliteStore>.Instance);
        await _store.MigrateAsync(CancellationToken.None);
        _service = new MailboxService(_store.Mailboxes, TimeProvider.System);
        await _service.LoadAsync(CancellationToken.None);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
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

    /// <summary>One writer: every call changes the counts, so every call is one committed, fsynced transaction.</summary>
    [Benchmark]
    public async Task<MailboxWriteResult> UpdateAsync_SingleWriter()
    {
        var n = ++_counter & 0xFFFF;
        return await _service!.UpdateAsync(One, MailboxSource.Api, MailboxUpdate.SetClass(MessageClass.Voice, n, 0, 0, 0), null, CancellationToken.None);
    }

    /// <summary>64 writers on different mailboxes at once: the SQLite writer group-commits them.</summary>
    [Benchmark(OperationsPerInvoke = Concurrent)]
    public async Task UpdateAsync_64ConcurrentWriters()
    {
        var n = ++_counter & 0xFFFF;
        var writes = new Task<MailboxWriteResult>[Concurrent];
        for (var i = 0; i < Concurrent; i++)
        {
            writes[i] = _service!.UpdateAsync(_many[i], MailboxSource.Api, MailboxUpdate.SetClass(MessageClass.Voice, n, 0, 0, 0), null, CancellationToken.None).AsTask();
        }

        await Task.WhenAll(writes);
    }
}
