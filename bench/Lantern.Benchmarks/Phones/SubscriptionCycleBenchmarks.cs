using BenchmarkDotNet.Attributes;
using Lantern.Tests.Phones;

namespace Lantern.Benchmarks.Phones;

/// <summary>Lantern's whole path for one subscribe-refresh-unsubscribe cycle (SIP stack, SubscribeHandler, SubscriptionManager,
/// PhoneRecordWriter, SQLite store in a file, SipMwiNotifySender; only the sockets replaced), 500 cycles per invocation.
/// Run: <c>dotnet run -c Release --project bench/Lantern.Benchmarks -- --filter '*SubscriptionCycle*' --job short</c>; the
/// allocated bytes are the load-independent figure (the time includes the fsync of each group commit).</summary>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "BenchmarkDotNet disposes in GlobalCleanup.")]
public class SubscriptionCycleBenchmarks
{
    private const int Cycles = 500;
    private SubscriptionCycleRig? _rig;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _rig = await SubscriptionCycleRig.StartAsync();
        // Past Timer J (32 s of the rig's clock): completed transactions end as fast as new ones start.
        _rig.Run(1_000);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_rig is not null)
        {
            await _rig.DisposeAsync();
        }
    }

    [Benchmark(OperationsPerInvoke = Cycles)]
    public void SubscribeRefreshUnsubscribe() => _rig!.Run(Cycles);
}
