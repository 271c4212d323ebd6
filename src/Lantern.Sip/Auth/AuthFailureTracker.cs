using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lantern.Sip.Auth;

/// <summary>The built-in fail2ban, shared by SIP, REST and AMI: failures are counted per source address and per user name over a
/// window, successes never reset them; an address that fails too often is banned, a user that fails too often is locked (thread-safe, bounded).</summary>
/// <remarks>A lock on a user shuts out every address but the last few it authenticated from, so guesses spread over many addresses
/// stop while the phone that knows the password keeps working.</remarks>
public sealed class AuthFailureTracker
{
    private const int GoodAddressesPerUser = 4;

    private readonly AuthFailureOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FailureTable<IPAddress> _addresses;
    private readonly FailureTable<string> _users;
    private readonly Lock _lock = new();

    public AuthFailureTracker(AuthFailureOptions options, TimeProvider timeProvider, ILogger<AuthFailureTracker>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options;
        _time = timeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _addresses = new FailureTable<IPAddress>(options.Limit, options.Window, options.BanTime, options.MaxTrackedAddresses, _logger);
        _users = new FailureTable<string>(options.UserLimit, options.Window, options.BanTime, options.MaxTrackedUsers, _logger, StringComparer.Ordinal);
    }

    public int TrackedAddresses
    {
        get
        {
            lock (_lock)
            {
                return _addresses.Count;
            }
        }
    }

    /// <summary>Whether requests from <paramref name="address"/> should be refused without checking credentials.</summary>
    public bool IsBanned(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            return _addresses.IsBanned(Normalize(address), now);
        }
    }

    /// <summary>Whether <paramref name="user"/>'s credentials should be refused from <paramref name="address"/>: the user failed too
    /// often and the address is not one it recently authenticated from.</summary>
    public bool IsUserLocked(string user, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(address);
        address = Normalize(address);
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            var entry = _users.Find(user);
            return entry is not null && entry.BannedUntil > now && Array.IndexOf(entry.GoodAddresses ?? [], address) < 0;
        }
    }

    /// <summary>Records one failure; true when this failure starts a ban of the address (already logged).</summary>
    public bool RecordFailure(IPAddress address, string? user = null) => RecordFailure(address, user, out _);

    /// <summary>Records one failure of <paramref name="address"/> (and of <paramref name="user"/> when named); true when it starts a
    /// ban of the address (already logged). <paramref name="failures"/> is the address's count in the window (1 for the first: callers
    /// log that one only, so a guessing client costs a few log lines, not one per guess).</summary>
    public bool RecordFailure(IPAddress address, string? user, out int failures)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = Normalize(address);
        var now = _time.GetUtcNow();
        bool banned;
        var locked = false;
        lock (_lock)
        {
            banned = _addresses.RecordFailure(address, now, out failures);
            if (user is not null)
            {
                locked = _users.RecordFailure(user, now, out _);
            }
        }

        if (banned)
        {
            AuthLog.AddressBanned(_logger, address, _options.BanTime, _options.Limit);
        }

        if (locked)
        {
            AuthLog.UserLocked(_logger, user!, _options.BanTime, _options.UserLimit);
        }

        return banned;
    }

    /// <summary>Remembers that <paramref name="user"/> authenticated from <paramref name="address"/>, so a lock on the user spares
    /// it. Failures are not forgotten: one own login between guesses must not reset the count.</summary>
    public void RecordSuccess(IPAddress address, string? user = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (user is null || _options.UserLimit <= 0)
        {
            return;
        }

        address = Normalize(address);
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            var entry = _users.GetOrAdd(user, now);
            var good = entry.GoodAddresses ??= new IPAddress?[GoodAddressesPerUser];
            if (Array.IndexOf(good, address) >= 0)
            {
                return;
            }

            Array.Copy(good, 0, good, 1, good.Length - 1);
            good[0] = address;
        }
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
