using System.Security.Cryptography;
using System.Text;
using Lantern.Configuration;

namespace Lantern.Ami;

/// <summary>Checks AMI credentials in constant time and counts each user's open sessions.</summary>
internal sealed class AmiUserDirectory
{
    private readonly Dictionary<string, Entry> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _sessions = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();
    private readonly byte[] _dummyHash = SHA256.HashData(RandomNumberGenerator.GetBytes(32));
    private readonly int _maxSessionsPerUser;

    public AmiUserDirectory(IEnumerable<AmiUserOptions> users, int maxSessionsPerUser)
    {
        _maxSessionsPerUser = maxSessionsPerUser;
        foreach (var u in users)
        {
            // An empty secret never authenticates: a user without one is a configuration mistake, not an open door.
            if (!string.IsNullOrEmpty(u.Name) && !string.IsNullOrEmpty(u.Secret))
            {
                _users.TryAdd(u.Name, new Entry(new AmiUser(u.Name, u.Write), Hash(u.Secret)));
            }
        }
    }

    public int MaxSessionsPerUser => _maxSessionsPerUser;

    /// <summary>The user when name and secret match, else null; the time taken does not depend on which part was wrong.</summary>
    public AmiUser? Authenticate(string? name, string? secret)
    {
        var given = Hash(secret ?? string.Empty);
        var found = name is not null && _users.TryGetValue(name, out var entry) ? entry : null;
        var equal = CryptographicOperations.FixedTimeEquals(given, found?.SecretHash ?? _dummyHash);
        return found is not null && equal && !string.IsNullOrEmpty(secret) ? found.User : null;
    }

    /// <summary>Takes one session slot for <paramref name="user"/>; false at <c>maxConnectionsPerUser</c>.</summary>
    public bool TryAcquire(AmiUser user)
    {
        lock (_lock)
        {
            _sessions.TryGetValue(user.Name, out var n);
            if (_maxSessionsPerUser > 0 && n >= _maxSessionsPerUser)
            {
                return false;
            }

            _sessions[user.Name] = n + 1;
            return true;
        }
    }

    public void Release(AmiUser user)
    {
        lock (_lock)
        {
            if (_sessions.TryGetValue(user.Name, out var n))
            {
                if (n <= 1)
                {
                    _sessions.Remove(user.Name);
                }
                else
                {
                    _sessions[user.Name] = n - 1;
                }
            }
        }
    }

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private sealed record Entry(AmiUser User, byte[] SecretHash);
}
