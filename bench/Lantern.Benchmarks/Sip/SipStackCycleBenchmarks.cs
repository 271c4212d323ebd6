using BenchmarkDotNet.Attributes;

namespace Lantern.Benchmarks.Sip;

/// <summary>CPU and allocation of one subscribe-refresh-unsubscribe cycle through the SIP stack (issue 13, cost per cycle).</summary>
[MemoryDiagnoser]
public class SipStackCycleBenchmarks : IDisposable
{
    private SipStackCycle? _cycle;

    [GlobalSetup]
    public void Setup()
    {
        _cycle = new SipStackCycle();
        // Past Timer J (32 s of the fake clock at 40 ms a cycle): the steady state, completed transactions ending as new ones start.
        for (var i = 0; i < 2_000; i++)
        {
            _cycle.Run();
        }
    }

    [Benchmark]
    public void Cycle() => _cycle!.Run();

    [GlobalCleanup]
    public void Dispose()
    {
        _cycle?.Dispose();
        GC.SuppressFinalize(this);
    }
}
