namespace Lantern.Upstreams;

/// <summary>A one-shot timer of an upstream agent whose firing carries a token, so that a firing which raced a re-arm or a
/// cancel is recognised as stale when it reaches the agent's queue.</summary>
internal sealed class UpstreamAgentTimer(TimeProvider time, Action<int> fire) : IDisposable
{
    private ITimer? _timer;
    private int _token;

    /// <summary>Cancels any earlier arming and fires once after <paramref name="delay"/>.</summary>
    public void Schedule(TimeSpan delay)
    {
        Cancel();
        var token = _token;
        _timer = time.CreateTimer(_ => fire(token), null, delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Stops the timer; a firing already on its way is then stale.</summary>
    public void Cancel()
    {
        _token++;
        _timer?.Dispose();
        _timer = null;
    }

    /// <summary>True when <paramref name="token"/> is the one of the latest arming, not cancelled since.</summary>
    public bool IsCurrent(int token) => token == _token;

    public void Dispose() => _timer?.Dispose();
}
