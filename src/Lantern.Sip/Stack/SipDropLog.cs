using System.Net;
using Microsoft.Extensions.Logging;

namespace Lantern.Sip.Stack;

/// <summary>Logs each message the stack drops unanswered at Debug with its reason, so an operator can see why a phone gets
/// no answer; at most <see cref="PerSecond"/> lines a second, so a flood cannot fill the log (the lines left out are counted
/// into the next one). Costs nothing while Debug is off.</summary>
internal sealed class SipDropLog(ILogger logger, TimeProvider time)
{
    /// <summary>Lines written per second at most.</summary>
    public const int PerSecond = 20;

    private readonly Lock _gate = new();
    private long _windowStart = time.GetTimestamp();
    private int _inWindow;
    private long _suppressed;

    public void Dropped(IPEndPoint remote, string what, string reason)
    {
        if (!logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        long suppressed;
        lock (_gate)
        {
            var now = time.GetTimestamp();
            if (time.GetElapsedTime(_windowStart, now) >= TimeSpan.FromSeconds(1))
            {
                _windowStart = now;
                _inWindow = 0;
            }

            if (_inWindow >= PerSecond)
            {
                _suppressed++;
                return;
            }

            _inWindow++;
            suppressed = _suppressed;
            _suppressed = 0;
        }

        SipStackLog.Dropped(logger, what, remote, reason, suppressed);
    }
}
