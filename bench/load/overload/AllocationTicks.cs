#:package Microsoft.Diagnostics.Tracing.TraceEvent@3.1.21
#:property ManagePackageVersionsCentrally=false
#:property TreatWarningsAsErrors=false
// Ranks what a process allocated from a `dotnet-trace collect --profile gc-verbose` trace (GC AllocationTick events, one per
// ~100 KB allocated): by type, by type with its first Lantern frames, and inclusive by Lantern frame.
//   dotnet run bench/load/overload/AllocationTicks.cs -- trace.nettrace
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

var etlx = TraceLog.CreateFromEventPipeDataFile(args[0]);
using var log = TraceLog.OpenOrConvert(etlx);
var byType = new Dictionary<string, long>();
var byTypeAndCaller = new Dictionary<string, long>();
var byFrame = new Dictionary<string, long>();
long total = 0;
foreach (var e in log.Events)
{
    if (e is not GCAllocationTickTraceData a)
    {
        continue;
    }

    var bytes = a.AllocationAmount64;
    total += bytes;
    byType[a.TypeName] = byType.GetValueOrDefault(a.TypeName) + bytes;
    var chain = new List<string>();
    var seen = new HashSet<string>();
    for (var s = e.CallStack(); s is not null; s = s.Caller)
    {
        var name = s.CodeAddress.FullMethodName;
        if (string.IsNullOrEmpty(name) || !name.Contains("Lantern", StringComparison.Ordinal))
        {
            continue;
        }

        if (chain.Count < 3)
        {
            chain.Add(name.Length > 100 ? name[..100] : name);
        }

        if (seen.Add(name))
        {
            byFrame[name] = byFrame.GetValueOrDefault(name) + bytes;
        }
    }

    var key = a.TypeName + " <- " + string.Join(" <- ", chain);
    byTypeAndCaller[key] = byTypeAndCaller.GetValueOrDefault(key) + bytes;
}

Console.WriteLine($"sampled {total:N0} bytes");
Print("by type", byType, 25);
Print("by type and first Lantern frames", byTypeAndCaller, 25);
Print("inclusive by Lantern frame", byFrame, 40);

void Print(string title, Dictionary<string, long> table, int top)
{
    Console.WriteLine("--- " + title);
    foreach (var kv in table.OrderByDescending(k => k.Value).Take(top))
    {
        Console.WriteLine($"{100.0 * kv.Value / total,5:F1}% {kv.Key}");
    }
}
