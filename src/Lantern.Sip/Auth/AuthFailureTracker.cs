using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lantern.Sip.Auth;

/// <summary>Counts authentication failures per source address and bans addresses that fail too often (thread-safe, bounded).</summary>
public sealed class AuthFailureTracker
{
    private readonly AuthFailureOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<IPAddress, Entry> _entries = [];
    private readonly Lock _lock = new();

    public AuthFailureTracker(AuthFailureOptions options, TimeProvider timeProvider, ILogger<AuthFailureTracker>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options;
        _time = timeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public int TrackedAddresses
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Whether requests from <paramref name="address"/> should be answered 403 without checking credentials.</summary>
    public bool IsBanned(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            return _entries.TryGetValue(Normalize(address), out var entry) && entry.BannedUntil > now;
        }
    }

    /// <summary>Records one failure; true when this failure starts a ban (already logged).</summary>
    public bool RecordFailure(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = Normalize(address);
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (!_entries.TryGetValue(address, out var entry))
            {
                MakeRoom(now);
                entry = new Entry { WindowStart = now };
                _entries[address] = entry;
            }

            if (entry.BannedUntil > now)
            {
                return false;
            }

            if (now - entry.WindowStart > _options.Window)
            {
                entry.WindowStart = now;
                entry.Failures = 0;
            }

            entry.Failures++;
            if (entry.Failures < _options.Limit)
            {
                return false;
            }

            entry.BannedUntil = now + _options.BanTime;
            entry.Failures = 0;
            entry.WindowStart = entry.BannedUntil;
        }

        AuthLog.AddressBanned(_logger, address, _options.BanTime, _options.Limit);
        return true;
    }

    /// <summary>Forgets the failures of an address that just authenticated (a ban in force stays).</summary>
    public void RecordSuccess(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (_entries.TryGetValue(Normalize(address), out var entry) && entry.BannedUntil <= now)
            {
                _entries.Remove(Normalize(address));
            }
        }
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private void MakeRoom(DateTimeOffset now)
    {
        if (_entries.Count < _options.MaxTrackedAddresses)
        {
            return;
        }

        foreach (var (key, value) in _entries)
        {
            if (value.BannedUntil <= now && now - value.WindowStart > _options.Window)
            {
                _entries.Remove(key);
            }
        }

        if (_entries.Count < _options.MaxTrackedAddresses)
        {
            return;
        }

        AuthLog.TrackerFull(_logger, _options.MaxTrackedAddresses);
        IPAddress? oldest = null;
        var oldestStart = DateTimeOffset.MaxValue;
        foreach (var (key, value) in _entries)
        {
            if (value.BannedUntil <= now && value.WindowStart < oldestStart)
            {
                oldest = key;
                oldestStart = value.WindowStart;
            }
        }

        if (oldest is not null)
        {
            _entries.Remove(oldest);
        }
        else
        {
            // Everything is banned: make room from the ban ending first rather than grow without bound.
            var first = DateTimeOffset.MaxValue;
            foreach (var (key, value) in _entries)
            {
                if (value.BannedUntil < first)
                {
                    oldest = key;
                    first = value.BannedUntil;
                }
            }

            _entries.Remove(oldest!);
        }
    }

    private sealed class Entry
    {
        public DateTimeOffset WindowStart { get; set; }

        public int Failures { get; set; }

        public DateTimeOffset BannedUntil { get; set; } = DateTimeOffset.MinValue;
    }
}
