namespace Lantern.Sip.Auth;

/// <summary>Remembers the highest nonce-count seen per nonce, bounded, forgetting the least recently used first.</summary>
internal sealed class NonceCountTracker
{
    private readonly int _capacity;
    private readonly Dictionary<string, LinkedListNode<(string Nonce, uint Count)>> _index = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Nonce, uint Count)> _order = new();
    private readonly Lock _lock = new();

    public NonceCountTracker(int capacity) => _capacity = Math.Max(1, capacity);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _index.Count;
            }
        }
    }

    /// <summary>Accepts <paramref name="count"/> when it is higher than any seen for the nonce. An untracked nonce is only
    /// accepted at count 1: a higher count means it was forgotten, and accepting could let a replay through.</summary>
    public NonceCountCheck Check(string nonce, uint count)
    {
        lock (_lock)
        {
            if (_index.TryGetValue(nonce, out var node))
            {
                if (count <= node.Value.Count)
                {
                    return NonceCountCheck.Replayed;
                }

                node.Value = (nonce, count);
                _order.Remove(node);
                _order.AddFirst(node);
                return NonceCountCheck.Accepted;
            }

            if (count != 1)
            {
                return NonceCountCheck.Forgotten;
            }

            if (_index.Count >= _capacity && _order.Last is { } oldest)
            {
                _order.RemoveLast();
                _index.Remove(oldest.Value.Nonce);
            }

            _index[nonce] = _order.AddFirst((nonce, count));
            return NonceCountCheck.Accepted;
        }
    }
}
