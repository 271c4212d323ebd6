using BenchmarkDotNet.Running;

namespace Lantern.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project bench/Lantern.Benchmarks -- --filter '*'</c>; the first argument
/// <c>spool-rescan</c>, <c>ws-fanout</c> or <c>subscription-cycle</c> runs that measurement instead (too long for BenchmarkDotNet on this machine).</summary>
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

        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
        return 0;
    }
}
