namespace Lantern.Mailboxes;

/// <summary>The in-process change feed: global sequence numbers, coalescing readers and a replay ring for SSE resume.</summary>
internal sealed class MailboxChangeFeed : IMailboxChangeFeed
{
    private readonly Lock _gate = new();
    private readonly MailboxChange?[] _ring;
    private MailboxChangeReader[] _readers = [];
    private readonly long _first;
    private long _last;

    /// <param name="sequenceBase">The first change gets this plus one: a host starts from its start time, so ids an SSE client
    /// kept from an earlier run are always older than this run's and resume as a resync, never as someone else's changes.</param>
    public MailboxChangeFeed(int replayCapacity = 10_000, long sequenceBase = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replayCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(sequenceBase);
        _ring = new MailboxChange?[replayCapacity];
        _last = sequenceBase;
        _first = sequenceBase + 1;
    }

    public long LastSequence => Volatile.Read(ref _last);

    /// <summary>Live readers, for metrics and tests.</summary>
    public int ReaderCount => Volatile.Read(ref _readers).Length;

    public IMailboxChangeReader Subscribe() => Subscribe(0);

    public IMailboxChangeReader Subscribe(int maxPending)
    {
        var reader = new MailboxChangeReader(this, maxPending);
        lock (_gate)
        {
            _readers = [.. _readers, reader];
        }

        return reader;
    }

    public IReadOnlyList<MailboxChange> ReadSince(long sequence, out bool complete)
    {
        lock (_gate)
        {
            // An id from the future (another node's, or a clock set back) cannot be resumed.
            if (sequence > _last)
            {
                complete = false;
                return [];
            }

            var oldest = Math.Max(_first, _last - _ring.Length + 1);
            var from = Math.Max(Math.Max(sequence, 0) + 1, oldest);
            complete = sequence >= oldest - 1;
            var result = new MailboxChange[_last - from + 1];
            for (var s = from; s <= _last; s++)
            {
                result[s - from] = _ring[s % _ring.Length]!;
            }

            return result;
        }
    }

    /// <summary>Publishes a committed change; the caller holds the mailbox's write stripe, so per-mailbox order is version order.</summary>
    public MailboxChange Publish(MailboxChangeKind kind, Mailbox mailbox, DateTimeOffset time)
    {
        lock (_gate)
        {
            var change = new MailboxChange(_last + 1, kind, mailbox, time);
            _ring[change.Sequence % _ring.Length] = change;
            Volatile.Write(ref _last, change.Sequence);

            // Offering under the feed lock gives every reader one global order; Offer is O(1) and never waits.
            foreach (var reader in _readers)
            {
                reader.Offer(change);
            }

            return change;
        }
    }

    internal void Remove(MailboxChangeReader reader)
    {
        lock (_gate)
        {
            var index = Array.IndexOf(_readers, reader);
            if (index >= 0)
            {
                _readers = [.. _readers.AsSpan(0, index), .. _readers.AsSpan(index + 1)];
            }
        }
    }
}
