using System.Globalization;

namespace Lantern.Interop.Tests.Infrastructure;

/// <summary>Resident memory and CPU time of a running process, read from /proc (the figures issue 10 asks for).</summary>
internal static class ProcessUsage
{
    /// <summary>Resident memory (KiB) and CPU time used so far (s, user + system) of process <paramref name="pid"/>.</summary>
    public static (long RssKiB, double CpuSeconds) Read(int pid)
    {
        long rss = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (rss, ticks / 100.0);
    }
}
