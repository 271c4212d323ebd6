using System.Globalization;

namespace Lantern.Configuration;

/// <summary>The connection limits in force: the configured ones, lowered so that together they leave descriptors for the store,
/// SIP over UDP, outbound connections and sessions already open when every listener is full.</summary>
/// <remarks>Without it, idle HTTP connections alone could take every descriptor; the next accept then failed with EMFILE.</remarks>
public sealed class ConnectionBudget
{
    /// <summary>Descriptors kept back at least, beyond those open when the budget is made.</summary>
    public const int MinimumReserve = 64;

    public ConnectionBudget(LanternOptions options, long? descriptorLimit, int descriptorsOpen)
    {
        ArgumentNullException.ThrowIfNull(options);
        DescriptorLimit = descriptorLimit;
        var sip = options.Sip.MaxConnections;
        var http = options.Http.MaxConnections;
        var ami = options.Ami.MaxConnections;
        if (descriptorLimit is not { } limit)
        {
            (Sip, Http, Ami) = (sip, http, ami);
            return;
        }

        Reserved = (int)Math.Min(int.MaxValue, descriptorsOpen + Math.Max(MinimumReserve, limit / 10));
        var available = Math.Max(3, limit - Reserved);
        long configured = (long)sip + http + ami;
        if (configured <= available)
        {
            (Sip, Http, Ami) = (sip, http, ami);
            return;
        }

        Lowered = true;
        Sip = Share(sip, available, configured);
        Http = Share(http, available, configured);
        Ami = Share(ami, available, configured);
    }

    /// <summary>The process's open-file limit (soft), or null where it is not known (no limit applied).</summary>
    public long? DescriptorLimit { get; }

    /// <summary>Descriptors kept out of the listeners' limits.</summary>
    public int Reserved { get; }

    /// <summary>Whether the configured limits did not fit and were lowered.</summary>
    public bool Lowered { get; }

    /// <summary>SIP TCP/TLS connections at once.</summary>
    public int Sip { get; }

    /// <summary>HTTP connections at once.</summary>
    public int Http { get; }

    /// <summary>AMI connections at once.</summary>
    public int Ami { get; }

    /// <summary>The budget for this process, from <c>/proc/self/limits</c> and <c>/proc/self/fd</c> (Linux; elsewhere nothing is lowered).</summary>
    public static ConnectionBudget ForThisProcess(LanternOptions options) => new(options, ReadDescriptorLimit(), CountOpenDescriptors());

    /// <summary>The soft "Max open files" of this process, or null when unlimited or unknown.</summary>
    public static long? ReadDescriptorLimit()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (!line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    continue;
                }

                var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return fields.Length > 0 && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var soft) ? soft : null;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not Linux, or /proc hidden: no budget.
        }

        return null;
    }

    private static int CountOpenDescriptors()
    {
        try
        {
            return Directory.GetFileSystemEntries("/proc/self/fd").Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static int Share(int configured, long available, long total) => (int)Math.Max(1, configured * available / total);
}
