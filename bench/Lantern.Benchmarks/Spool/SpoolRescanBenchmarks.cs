using BenchmarkDotNet.Attributes;
using Lantern.Configuration;
using Lantern.Mailboxes;
using Lantern.Spool;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lantern.Benchmarks.Spool;

/// <summary>A full rescan of a voicemail spool of 10,000 mailboxes (INBOX with 1 message, Old with 2, media beside each
/// envelope), in steady state: every count already matches, so the cost is the directory reads.
/// Run: <c>dotnet run -c Release --project bench/Lantern.Benchmarks -- --filter '*SpoolRescan*' --job short</c>.</summary>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "BenchmarkDotNet disposes in GlobalCleanup.")]
public class SpoolRescanBenchmarks
{
    private string _root = string.Empty;
    private SpoolWatcher? _watcher;

    /// <summary>Mailbox folders in the spool, spread over 10 contexts.</summary>
    public int Mailboxes { get; set; } = 10_000;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _root = Directory.CreateTempSubdirectory("lantern-bench-spool-").FullName;
        for (var i = 0; i < Mailboxes; i++)
        {
            var box = Path.Combine(_root, "ctx" + (i % 10).ToString(System.Globalization.CultureInfo.InvariantCulture), (10000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture));
            Write(Path.Combine(box, "INBOX"), 1);
            Write(Path.Combine(box, "Old"), 2);
        }

        var options = new SpoolOptions { Name = "bench", Path = _root, RescanSeconds = 3600 };
        _watcher = new SpoolWatcher(options, MailboxService.InMemory(), TimeProvider.System, NullLogger.Instance, watchFiles: false);
        await _watcher.StartAsync(CancellationToken.None);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_watcher is not null)
        {
            await _watcher.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Description = "rescan 10,000 mailboxes (no change)")]
    public Task<int> Rescan() => _watcher!.RescanAsync(CancellationToken.None);

    private static void Write(string folder, int messages)
    {
        Directory.CreateDirectory(folder);
        for (var m = 0; m < messages; m++)
        {
            var name = "msg" + m.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
            File.WriteAllBytes(Path.Combine(folder, name + ".wav"), []);
            File.WriteAllText(Path.Combine(folder, name + ".txt"), "[message]\n");
        }
    }
}
