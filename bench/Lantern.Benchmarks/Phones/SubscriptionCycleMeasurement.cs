using System.Globalization;
using Lantern.Tests.Phones;

namespace Lantern.Benchmarks.Phones;

/// <summary><c>subscription-cycle [CYCLES] [ROUNDS]</c>: the rig of <see cref="SubscriptionCycleBenchmarks"/> after a warm-up
/// of 5,000 cycles; prints bytes allocated and process CPU per cycle for each round of CYCLES (default 5,000) and the median.
/// Long enough to attach <c>dotnet-trace</c> to (or to launch under it).</summary>
internal static class SubscriptionCycleMeasurement
{
    public static async Task<int> RunAsync(string[] args)
    {
        var cycles = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5_000;
        var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        await using var rig = await SubscriptionCycleRig.StartAsync();
        rig.Run(5_000);
        var bytes = new List<double>();
        var cpu = new List<double>();
        for (var i = 0; i < rounds; i++)
        {
            var (b, c) = rig.Measure(cycles);
            bytes.Add(b);
            cpu.Add(c);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {i + 1}: {b:F0} bytes, {c:F0} µs CPU per cycle"));
        }

        bytes.Sort();
        cpu.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median of {rounds} x {cycles} cycles: {bytes[rounds / 2]:F0} bytes, {cpu[rounds / 2]:F0} µs CPU per cycle"));
        return 0;
    }
}
