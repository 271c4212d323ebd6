namespace Lantern.Sip.Auth;

/// <summary>Remembers the highest nonce-count seen per nonce until the nonce expires, bounded so that no nonce still valid is
/// ever forgotten silently.</summary>
/// <remarks>When full, the nonces issued earliest are dropped and every nonce issued no later than them is refused as stale from
/// then on: a captured answer cannot be replayed by pushing its nonce out (the client just gets a fresh nonce).</remarks>
internal sealed class NonceCountTracker
{
    private readonly int _capacity;
    private readonly Dictionary<string, uint> _counts = new(StringComparer.Ordinal);
    private readonly PriorityQueue<string, DateTimeOffset> _byIssue = new();
    private readonly Lock _lock = new();
    private DateTimeOffset _forgottenUpTo = DateTimeOffset.MinValue;

    public NonceCountTracker(int capacity) => _capacity = Math.Max(1, capacity);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _counts.Count;
            }
        }
    }

    /// <summary>Accepts <paramref name="count"/> when it is higher than any seen for the nonce. An untracked nonce is accepted only
    /// at count 1 and only when issued after every nonce dropped for room; nonces issued before <paramref name="expiredBefore"/>
    /// are dropped first (the caller already refuses them as expired).</summary>
    public NonceCountCheck Check(string nonce, DateTimeOffset issued, uint count, DateTimeOffset expiredBefore)
    {
        lock (_lock)
        {
            if (_counts.TryGetValue(nonce, out var last))
            {
                if (count <= last)
                {
                    return NonceCountCheck.Replayed;
                }

                _counts[nonce] = count;
                return NonceCountCheck.Accepted;
            }

            if (count != 1 || issued <= _forgottenUpTo)
            {
                return NonceCountCheck.Forgotten;
            }

            while (_byIssue.TryPeek(out var expired, out var expiredIssued) && expiredIssued < expiredBefore)
            {
                _byIssue.Dequeue();
                _counts.Remove(expired);
            }

            if (_counts.Count >= _capacity && _byIssue.TryPeek(out var oldest, out var oldestIssued))
            {
                // Whichever of the two was issued first is forgotten, and the mark moves up to it so it stays refused.
                if (issued <= oldestIssued)
                {
                    Forget(issued);
                    return NonceCountCheck.Forgotten;
                }

                _byIssue.Dequeue();
                _counts.Remove(oldest);
                Forget(oldestIssued);
            }

            _counts[nonce] = count;
            _byIssue.Enqueue(nonce, issued);
            return NonceCountCheck.Accepted;
        }
    }

    private void Forget(DateTimeOffset issued)
    {
        if (issued > _forgottenUpTo)
        {
            _forgottenUpTo = issued;
        }
    }
}
