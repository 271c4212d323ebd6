using BenchmarkDotNet.Running;

namespace Lantern.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project bench/Lantern.Benchmarks -- --filter '*'</c>; the first argument
/// <c>spool-rescan</c> or <c>ws-fanout</c> runs that measurement instead (too long for BenchmarkDotNet on this machine);
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

        if (args.Length > 1 && args[0] == "sip-cycle")
        {
            using var cycle = new Sip.SipStackCycle();
            var count = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
            for (var i = 0; i < count; i++)
            {
                cycle.Run();
            }

            return 0;
        }

        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
        return 0;
    }
}
