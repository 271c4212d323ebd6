using System.Diagnostics;
using System.Globalization;

namespace Lantern.Benchmarks.Spool;

/// <summary><c>spool-rescan [MAILBOXES] [ROUNDS]</c>: the spool of <see cref="SpoolRescanBenchmarks"/> (default 10,000 mailboxes),
/// timed over ROUNDS steady-state rescans with a stopwatch; prints each round and the median.</summary>
internal static class SpoolRescanMeasurement
{
    public static async Task<int> RunAsync(string[] args)
    {
        var mailboxes = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 7;
        var bench = new SpoolRescanBenchmarks { Mailboxes = mailboxes };
        await bench.SetupAsync();
        try
        {
            var times = new List<double>();
            for (var i = 0; i < rounds; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var counted = await bench.Rescan();
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                times.Add(ms);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {i + 1}: {counted} mailboxes in {ms:F1} ms"));
            }

            times.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median {times[times.Count / 2]:F1} ms for {mailboxes} mailboxes ({times[times.Count / 2] * 1000 / mailboxes:F1} µs each)"));
            return 0;
        }
        finally
        {
            await bench.CleanupAsync();
        }
    }
}
