namespace Lantern.Sip.Stack;

/// <summary>Bounds the new requests admitted and not yet answered (decision 0043): a window whose size follows how fast
/// admitted requests are answered, so what is admitted matches what completes.</summary>
/// <remarks>The delay bounds alone (<see cref="SipStackOptions.MaxQueueDelay"/>, <see cref="SipStackOptions.MaxBacklogDelay"/>)
/// admit everything until a bound is passed and then nothing, so under twice the capacity admission swung between too much
/// (answers late, retransmitted, calls failing after their work was done) and too little. The window is self-clocking: a
/// stalled store stops admission by itself (nothing completes, the window stays full), and completions reopen it at once.
/// Its size is cut when the answers of an interval took longer than the target on average, or when a bound had to refuse a
/// request; it grows while it is what refuses and the answers that came back were in time. Thread-safe; one per stack.</remarks>
internal sealed class SipAdmissionWindow
{
    /// <summary>How often the size is reconsidered.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>Size at start: far above what a normal load keeps in flight (rate × answer time, e.g. 2,500/s × 20 ms = 50).</summary>
    public const int InitialLimit = 1024;

    /// <summary>Largest size.</summary>
    public const int MaxLimit = 65_536;

    /// <summary>Smallest size: a stalled store still lets a few requests probe it.</summary>
    public const int MinLimit = 4;

    /// <summary>Largest share kept by one cut (answers just past target) and smallest (answers at twice the target or later).</summary>
    public const double MildCut = 0.9;

    /// <inheritdoc cref="MildCut"/>
    public const double DeepCut = 0.5;

    /// <summary>Growth per interval while the window is what refuses and answers are in time.</summary>
    public const double Growth = 0.25;

    /// <summary>Growth per interval while the window refuses and answers take under a quarter of the target: the load that cut
    /// it has gone (after an overload, the window is a few requests wide), so it doubles, like a TCP slow start.</summary>
    public const double FastGrowth = 1.0;

    /// <summary>Intervals after a cut before the next one: the answers take that long to show the cut.</summary>
    public const int HoldIntervals = 3;

    private readonly TimeProvider _time;
    private readonly long _targetTicks;
    private readonly long _intervalTicks;
    private readonly Lock _gate = new();
    private long _intervalStart;
    private double _limit = InitialLimit;
    private int _inFlight;
    private int _peak;
    private int _refused;
    private bool _bounded;
    private long _latencySum;
    private int _completed;
    private int _hold;

    /// <param name="target">Mean answer time (receipt to final response) of admitted requests past which the window is cut.</param>
    public SipAdmissionWindow(TimeProvider time, TimeSpan target)
    {
        _time = time;
        _targetTicks = (long)(target.TotalSeconds * time.TimestampFrequency);
        _intervalTicks = (long)(Interval.TotalSeconds * time.TimestampFrequency);
        _intervalStart = time.GetTimestamp();
    }

    /// <summary>New requests that may be admitted and unanswered at once.</summary>
    public int Limit
    {
        get
        {
            lock (_gate)
            {
                return (int)_limit;
            }
        }
    }

    /// <summary>Admitted new requests not yet answered.</summary>
    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _inFlight;
            }
        }
    }

    /// <summary>A new request's turn: true admits it (answer with <see cref="Completed"/>); false when the window is full, or
    /// when <paramref name="refusedByBound"/> (a delay bound refused it, which counts as a sign the window is too large).</summary>
    public bool TryAdmit(bool refusedByBound)
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            if (now - _intervalStart >= _intervalTicks)
            {
                EndInterval(now);
            }

            if (refusedByBound)
            {
                _bounded = true;
                return false;
            }

            if (_inFlight >= (int)_limit)
            {
                _refused++;
                return false;
            }

            _inFlight++;
            _peak = Math.Max(_peak, _inFlight);
            return true;
        }
    }

    /// <summary>An admitted request received at <paramref name="receivedAt"/> (a timestamp of the time provider) got its final
    /// response, or its transaction ended without one. Any thread.</summary>
    public void Completed(long receivedAt)
    {
        var latency = _time.GetTimestamp() - receivedAt;
        lock (_gate)
        {
            _inFlight--;
            _latencySum += latency;
            _completed++;
        }
    }

    private void EndInterval(long now)
    {
        if (_hold > 0)
        {
            _hold--;
        }

        var mean = _completed > 0 ? _latencySum / _completed : 0;
        if (mean > _targetTicks || _bounded)
        {
            if (_hold == 0)
            {
                var keep = mean > _targetTicks ? Math.Clamp((double)_targetTicks / mean, DeepCut, MildCut) : MildCut;

                // Little's law: what was answered per target-length span since the interval began can be in flight and
                // still be answered within the target. Late answers draining fast after a short stall (a GC, the
                // process descheduled) show a high rate, so a stall at nominal load no longer cuts the window below
                // what the load needs; under sustained overload the rate is the capacity and the floor equals the cut.
                var elapsed = Math.Max(now - _intervalStart, _intervalTicks);
                var answeredPerTarget = _completed * (double)_targetTicks / elapsed;
                _limit = Math.Max(MinLimit, Math.Min(_limit, Math.Max(Math.Min(_limit, _peak) * keep, answeredPerTarget)));
                _hold = HoldIntervals;
            }
        }
        else if (_refused > 0 && _completed > 0)
        {
            // Only on evidence: answers came back in time while the window was what refused.
            var growth = mean < _targetTicks / 4 ? FastGrowth : Growth;
            _limit = Math.Min(MaxLimit, (_limit * (1 + growth)) + 1);
        }

        _intervalStart += (now - _intervalStart) / _intervalTicks * _intervalTicks;
        _peak = _inFlight;
        _refused = 0;
        _bounded = false;
        _latencySum = 0;
        _completed = 0;
    }
}
