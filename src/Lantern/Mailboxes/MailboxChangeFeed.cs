namespace Lantern.Mailboxes;

/// <summary>The in-process change feed: change ids, coalescing readers and a replay ring for SSE resume.</summary>
/// <remarks>
/// Two kinds of ids. Alone (SQLite, in memory) the feed numbers changes itself, so ids follow publication order. In a
/// cluster the id of a change is the one its commit drew from the shared store (decision 0039), the same on every node;
/// ids of different mailboxes then arrive slightly out of order (commit order is not draw order, and a node hears its
/// own commits before other nodes' NOTIFYs), so a resume replays, besides every change with a greater id, whatever
/// arrived within the reorder window before the first of them.
/// </remarks>
internal sealed class MailboxChangeFeed : IMailboxChangeFeed
{
    private readonly Lock _gate = new();
    private readonly Entry[] _ring;
    private readonly TimeProvider _time;
    private readonly long _reorderWindowTicks;
    private readonly bool _clusterIds;
    private MailboxChangeReader[] _readers = [];
    private long _last;
    private long _floor;
    private long _position;
    private long _evictedArrival = long.MinValue;

    /// <param name="sequenceBase">The first change gets this plus one: a host starts from its start time, so ids an SSE client
    /// kept from an earlier run are always older than this run's and resume as a resync, never as someone else's changes.</param>
    public MailboxChangeFeed(int replayCapacity = 10_000, long sequenceBase = 0)
        : this(replayCapacity, TimeProvider.System, TimeSpan.Zero, clusterIds: false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequenceBase);
        _last = sequenceBase;
        _floor = sequenceBase;
    }

    /// <summary>A feed whose ids come from the shared store's commits (cluster mode).</summary>
    /// <param name="reorderWindow">How far back in arrival time a resume reaches before the first change with a greater id.</param>
    public MailboxChangeFeed(int replayCapacity, TimeProvider time, TimeSpan reorderWindow)
        : this(replayCapacity, time, reorderWindow, clusterIds: true)
    {
    }

    private MailboxChangeFeed(int replayCapacity, TimeProvider time, TimeSpan reorderWindow, bool clusterIds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replayCapacity, 1);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(reorderWindow, TimeSpan.Zero);
        _ring = new Entry[replayCapacity];
        _time = time;
        _reorderWindowTicks = (long)(reorderWindow.TotalSeconds * time.TimestampFrequency);
        _clusterIds = clusterIds;
    }

    /// <summary>True when ids are the shared store's (cluster mode) rather than this feed's own.</summary>
    public bool ClusterIds => _clusterIds;

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
            // An id not issued yet (an earlier database's or run's, or garbage) cannot be resumed.
            if (sequence > _last)
            {
                complete = false;
                return [];
            }

            var held = (int)Math.Min(_position, _ring.Length);
            var oldest = _position - held + 1;

            // The first arrival with a greater id; alone, ids follow arrivals, so everything after it is greater too.
            var start = _position + 1;
            for (var p = oldest; p <= _position; p++)
            {
                if (At(p).Change!.Sequence > sequence)
                {
                    start = p;
                    break;
                }
            }

            complete = sequence >= _floor;
            if (_reorderWindowTicks > 0)
            {
                // Changes with a smaller id may have reached the client's node after the one it names: replay what arrived
                // within the reorder window before the first greater id (or before now when none arrived yet).
                var anchor = start <= _position ? At(start).Arrival : _time.GetTimestamp();
                var since = anchor - _reorderWindowTicks;
                while (start > oldest && At(start - 1).Arrival >= since)
                {
                    start--;
                }

                if (start == oldest && _evictedArrival >= since)
                {
                    complete = false;
                }
            }

            var result = new MailboxChange[_position - start + 1];
            for (var p = start; p <= _position; p++)
            {
                result[p - start] = At(p).Change!;
            }

            return result;
        }
    }

    /// <summary>Publishes a committed change; the caller holds the mailbox's write stripe, so per-mailbox order is version order.</summary>
    /// <param name="changeId">The id the commit drew from the shared store; 0 when there is none (alone: the next own id;
    /// in a cluster, a state whose change id is unknown, labelled with the newest id seen, which can only make a resume replay more).</param>
    public MailboxChange Publish(MailboxChangeKind kind, Mailbox mailbox, DateTimeOffset time, long changeId = 0)
    {
        lock (_gate)
        {
            var id = changeId > 0 ? changeId : _clusterIds ? _last : _last + 1;
            var position = ++_position;
            var change = new MailboxChange(id, kind, mailbox, time) { Position = position };
            ref var slot = ref _ring[position % _ring.Length];
            if (slot.Change is { } evicted)
            {
                // A resume from an id at or below an evicted one may need it, so it is no longer complete.
                _floor = Math.Max(_floor, evicted.Sequence);
                _evictedArrival = slot.Arrival;
            }

            slot = new Entry(change, _time.GetTimestamp());
            if (id > _last)
            {
                Volatile.Write(ref _last, id);
            }

            // Offering under the feed lock gives every reader one global order; Offer is O(1) and never waits.
            foreach (var reader in _readers)
            {
                reader.Offer(change);
            }

            return change;
        }
    }

    /// <summary>Records a change id this node heard of without publishing anything (its state was already published), so a
    /// client resuming from it is not taken for one from the future.</summary>
    public void Observe(long changeId)
    {
        lock (_gate)
        {
            if (changeId > _last)
            {
                Volatile.Write(ref _last, changeId);
            }
        }
    }

    /// <summary>Changes up to <paramref name="changeId"/> may have been missed (start, or notifications lost): a resume from
    /// an id below it is answered with a resync.</summary>
    public void Rebase(long changeId)
    {
        lock (_gate)
        {
            _floor = Math.Max(_floor, changeId);
            if (changeId > _last)
            {
                Volatile.Write(ref _last, changeId);
            }
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

    private ref readonly Entry At(long position) => ref _ring[position % _ring.Length];

    /// <summary>A held change and its arrival (<see cref="TimeProvider.GetTimestamp"/> ticks).</summary>
    private readonly record struct Entry(MailboxChange? Change, long Arrival);
}
