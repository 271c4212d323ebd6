using BenchmarkDotNet.Running;

namespace Lantern.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project bench/Lantern.Benchmarks -- --filter '*'</c>.</summary>
public static class BenchmarkProgram
{
    public static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
}
