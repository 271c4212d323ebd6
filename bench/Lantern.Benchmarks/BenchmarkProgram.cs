using BenchmarkDotNet.Running;

namespace Lantern.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project bench/Lantern.Benchmarks -- --filter '*'</c>; the first argument
/// <c>spool-rescan</c>, <c>ws-fanout</c> or <c>subscription-cycle</c> runs that measurement instead (too long for BenchmarkDotNet on this machine);
/// <c>sip-cycle N</c> runs N cycles through the SIP stack for a profiler (<c>dotnet-trace collect -- dotnet Lantern.Benchmarks.dll sip-cycle 200000</c>).</summary>
public static class BenchmarkProgram
{
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length > 0 && args[0] == "spool-rescan")
        {
            return await Spool.SpoolRescanMeasurement.RunAsync(args[1..]);
        }

        if (args.Length > 0 && args[0] == "ws-fanout")
        {
            return await WebSocket.WebSocketFanout.RunAsync(args[1..]);
        }

        if (args.Length > 0 && args[0] == "subscription-cycle")
        {
            return await Phones.SubscriptionCycleMeasurement.RunAsync(args[1..]);
        }

        if (args.Length > 1 && args[0] == "sip-cycle")
        {
            // One NOTIFY in 1,000 unanswered keeps live timers queued, as phones that went away do in a running server.
            using var cycle = new Sip.SipStackCycle(unansweredEvery: 1_000);
            var count = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
            for (var i = 0; i < 5_000; i++)
            {
                cycle.Run();
            }

            // Process CPU time rather than wall time: on a shared machine it counts only this process's work.
            var process = System.Diagnostics.Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            var bytes = GC.GetTotalAllocatedBytes(precise: true);
            for (var i = 0; i < count; i++)
            {
                cycle.Run();
            }

            process.Refresh();
            var perCycle = (process.TotalProcessorTime - cpu).TotalMicroseconds / count;
            Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{count} cycles after 5,000 warm: {perCycle:F2} us CPU and {(GC.GetTotalAllocatedBytes(precise: true) - bytes) / (double)count:F0} bytes per cycle, {cycle.QueuedTimers} timers queued, live heap {GC.GetTotalMemory(forceFullCollection: true) / 1048576.0:F1} MiB"));
            return 0;
        }

        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
        return 0;
    }
}
