using Microsoft.Extensions.Logging;

namespace Lantern.Sip.Auth;

/// <summary>Failure counts per key (source address or user name) over fixed windows, with bans; bounded. Not thread-safe: the
/// tracker serialises access.</summary>
internal sealed class FailureTable<TKey>
    where TKey : notnull
{
    private readonly Dictionary<TKey, FailureEntry> _entries;
    private readonly int _limit;
    private readonly TimeSpan _window;
    private readonly TimeSpan _banTime;
    private readonly int _capacity;
    private readonly ILogger _logger;

    public FailureTable(int limit, TimeSpan window, TimeSpan banTime, int capacity, ILogger logger, IEqualityComparer<TKey>? comparer = null)
    {
        _entries = new Dictionary<TKey, FailureEntry>(comparer);
        _limit = limit;
        _window = window;
        _banTime = banTime;
        _capacity = Math.Max(1, capacity);
        _logger = logger;
    }

    public int Count => _entries.Count;

    public bool IsBanned(TKey key, DateTimeOffset now) => _entries.TryGetValue(key, out var entry) && entry.BannedUntil > now;

    public FailureEntry? Find(TKey key) => _entries.GetValueOrDefault(key);

    public FailureEntry GetOrAdd(TKey key, DateTimeOffset now)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            MakeRoom(now);
            entry = new FailureEntry { WindowStart = now };
            _entries[key] = entry;
        }

        return entry;
    }

    /// <summary>Counts one failure (successes never reset the count); true when it starts a ban. <paramref name="failures"/> is the
    /// count in the current window, 0 while a ban is in force.</summary>
    public bool RecordFailure(TKey key, DateTimeOffset now, out int failures)
    {
        failures = 0;
        if (_limit <= 0)
        {
            return false;
        }

        var entry = GetOrAdd(key, now);
        if (entry.BannedUntil > now)
        {
            return false;
        }

        if (now - entry.WindowStart > _window)
        {
            entry.WindowStart = now;
            entry.Failures = 0;
        }

        failures = ++entry.Failures;
        if (entry.Failures < _limit)
        {
            return false;
        }

        entry.BannedUntil = now + _banTime;
        entry.Failures = 0;
        entry.WindowStart = entry.BannedUntil;
        return true;
    }

    private void MakeRoom(DateTimeOffset now)
    {
        if (_entries.Count < _capacity)
        {
            return;
        }

        foreach (var (key, value) in _entries)
        {
            if (value.BannedUntil <= now && now - value.WindowStart > _window)
            {
                _entries.Remove(key);
            }
        }

        if (_entries.Count < _capacity)
        {
            return;
        }

        AuthLog.TrackerFull(_logger, _capacity);
        var found = false;
        TKey oldest = default!;
        var oldestStart = DateTimeOffset.MaxValue;
        foreach (var (key, value) in _entries)
        {
            if (value.BannedUntil <= now && value.WindowStart < oldestStart)
            {
                (oldest, oldestStart, found) = (key, value.WindowStart, true);
            }
        }

        if (!found)
        {
            // Everything is banned: make room from the ban ending first rather than grow without bound.
            var first = DateTimeOffset.MaxValue;
            foreach (var (key, value) in _entries)
            {
                if (value.BannedUntil < first)
                {
                    (oldest, first) = (key, value.BannedUntil);
                }
            }
        }

        _entries.Remove(oldest);
    }
}
