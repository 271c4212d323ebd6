using Lantern.Configuration;
using Microsoft.Extensions.Options;

namespace Lantern.Api.V1;

/// <summary>Caps concurrent event streams (<c>http.maxEventStreams</c>), since each holds a connection and a feed reader.</summary>
internal sealed class EventStreamLimiter
{
    private readonly IOptionsMonitor<LanternOptions> _options;
    private int _open;

    public EventStreamLimiter(IOptionsMonitor<LanternOptions> options) => _options = options;

    public int Limit => Math.Max(1, _options.CurrentValue.Http.MaxEventStreams);

    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _open) <= Limit)
        {
            return true;
        }

        Interlocked.Decrement(ref _open);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _open);
}
