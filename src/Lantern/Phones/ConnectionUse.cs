namespace Lantern.Phones;

/// <summary>Counts the live subscriptions and registration bindings received over each stream connection, so the transport
/// keeps a connection open past its idle timeout while any of them still needs it for NOTIFYs (decision 0035).</summary>
/// <remarks>The mark is called under this type's own short lock, only on the 0→1 and 1→0 transitions; it only flips a flag
/// in the transport's connection table, never does I/O. Connection id 0 (UDP, restored records) is not counted.</remarks>
internal sealed class ConnectionUse
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, int> _counts = [];

    /// <summary>Sets or clears the transport's in-use mark of a connection; null (tests without a transport) counts only.</summary>
    public Action<long, bool>? Mark { get; set; }

    /// <summary>Live references to <paramref name="connectionId"/>.</summary>
    public int CountOf(long connectionId)
    {
        lock (_gate)
        {
            return _counts.GetValueOrDefault(connectionId);
        }
    }

    /// <summary>One more record delivers over <paramref name="connectionId"/>.</summary>
    public void Acquire(long connectionId)
    {
        if (connectionId == 0)
        {
            return;
        }

        lock (_gate)
        {
            var n = _counts.GetValueOrDefault(connectionId) + 1;
            _counts[connectionId] = n;
            if (n == 1)
            {
                Mark?.Invoke(connectionId, true);
            }
        }
    }

    /// <summary>One record no longer delivers over <paramref name="connectionId"/>.</summary>
    public void Release(long connectionId)
    {
        if (connectionId == 0)
        {
            return;
        }

        lock (_gate)
        {
            if (!_counts.TryGetValue(connectionId, out var n))
            {
                return;
            }

            if (n > 1)
            {
                _counts[connectionId] = n - 1;
                return;
            }

            _counts.Remove(connectionId);
            Mark?.Invoke(connectionId, false);
        }
    }

    /// <summary>Moves one reference from <paramref name="from"/> to <paramref name="to"/> (a refresh over a new connection).</summary>
    public void Move(long from, long to)
    {
        if (from == to)
        {
            return;
        }

        Acquire(to);
        Release(from);
    }
}
