namespace Lantern.Upstreams;

/// <summary>Retry delays after failures: 5 s doubling to 10 minutes, each spread by ±20% jitter so many upstreams
/// that failed together (a provider restart) do not retry in lock step.</summary>
internal static class UpstreamBackoff
{
    public static readonly TimeSpan Initial = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan Maximum = TimeSpan.FromMinutes(10);

    public const double Jitter = 0.2;

    /// <summary>The delay without jitter after <paramref name="failures"/> consecutive failures (1 = the first).</summary>
    public static TimeSpan Nominal(int failures)
    {
        if (failures <= 1)
        {
            return Initial;
        }

        // 5 s * 2^7 = 640 s already exceeds the cap; stop doubling there so large counts cannot overflow.
        var exponent = Math.Min(failures - 1, 7);
        var delay = Initial * (1 << exponent);
        return delay > Maximum ? Maximum : delay;
    }

    /// <summary>The delay to wait; <paramref name="random01"/> is uniform in [0, 1).</summary>
    public static TimeSpan Delay(int failures, double random01)
    {
        var factor = 1 + (Jitter * ((2 * Math.Clamp(random01, 0, 1)) - 1));
        return Nominal(failures) * factor;
    }
}
