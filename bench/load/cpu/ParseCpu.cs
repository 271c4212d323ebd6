#:project ../../../src/Lantern.Sip/Lantern.Sip.csproj
#:property Configuration=Release
// SUBSCRIBE parses per CPU-second of the parsing thread: on a shared, oversubscribed machine wall-clock benchmarks
// (BenchmarkDotNet) count the time the thread waits for a core; the thread's own CPU time does not.
// Run: dotnet run -c Release bench/load/cpu/ParseCpu.cs [-- COUNT]   (COUNT <= 20,000,000; default 3,000,000)
using System.Diagnostics;
using System.Text;
using Lantern.Sip.Messages;

var count = args.Length > 0 ? Math.Clamp(int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture), 1, 20_000_000) : 3_000_000;
var subscribe = Encoding.ASCII.GetBytes(
    "SUBSCRIBE sip:1000@pbx.example.com SIP/2.0\r\n" +
    "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport\r\n" +
    "Max-Forwards: 70\r\n" +
    "From: \"Alice Smith\" <sip:1000@pbx.example.com>;tag=1928301774\r\n" +
    "To: <sip:1000@pbx.example.com>\r\n" +
    "Call-ID: a84b4c76e66710@192.0.2.10\r\n" +
    "CSeq: 314159 SUBSCRIBE\r\n" +
    "Contact: <sip:1000@192.0.2.10:5060;transport=udp>;expires=3600\r\n" +
    "Event: message-summary\r\n" +
    "Accept: application/simple-message-summary\r\n" +
    "Expires: 3600\r\n" +
    "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, NOTIFY, SUBSCRIBE\r\n" +
    "Supported: replaces, timer\r\n" +
    "User-Agent: Yealink SIP-T46S 66.85.0.5\r\n" +
    "Content-Length: 0\r\n\r\n");

long Run(int n)
{
    long sum = 0;
    for (var i = 0; i < n; i++)
    {
        SipMessageParser.TryParse(subscribe, SipLimits.Default, out var m, out _);
        sum += m!.CSeq.Number;
        m.Dispose();
    }

    return sum;
}

Run(200_000); // JIT tiering warm-up
var thread = ProcessThreadTime();
var alloc = GC.GetAllocatedBytesForCurrentThread();
var wall = Stopwatch.StartNew();
Run(count);
wall.Stop();
var cpu = ProcessThreadTime() - thread;
alloc = GC.GetAllocatedBytesForCurrentThread() - alloc;
Console.WriteLine($"parses={count} cpu_s={cpu.TotalSeconds:F3} wall_s={wall.Elapsed.TotalSeconds:F3} " +
    $"parses_per_cpu_s={count / cpu.TotalSeconds:F0} parses_per_wall_s={count / wall.Elapsed.TotalSeconds:F0} bytes_per_parse={(double)alloc / count:F1}");

// The process's CPU time: the loop is the only busy thread (GC is rare at one small object per parse).
static TimeSpan ProcessThreadTime() => Process.GetCurrentProcess().TotalProcessorTime;
