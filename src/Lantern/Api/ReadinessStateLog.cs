namespace Lantern.Api;

/// <summary>Logs a readiness check when its state changes (failing, recovered), not on every probe: a load balancer
/// probing a stuck dependency each second would otherwise fill the log with the same line.</summary>
internal sealed class ReadinessStateLog
{
    private readonly ILogger _logger;
    private readonly Dictionary<string, string?> _problems = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public ReadinessStateLog(ILogger<ReadinessStateLog> logger)
    {
        _logger = logger;
    }

    /// <summary>Records the outcome of one probe of <paramref name="name"/>; null is healthy. A check starts healthy.</summary>
    public void Observe(string name, string? problem)
    {
        bool wasFailing;
        lock (_lock)
        {
            _problems.TryGetValue(name, out var earlier);
            wasFailing = earlier is not null;
            if (wasFailing == (problem is not null))
            {
                return;
            }

            _problems[name] = problem;
        }

        if (problem is not null)
        {
            ApiLog.ReadinessFailing(_logger, name, problem);
        }
        else
        {
            ApiLog.ReadinessRecovered(_logger, name);
        }
    }
}
