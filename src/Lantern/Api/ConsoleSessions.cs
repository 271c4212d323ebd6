using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Lantern.Api;

/// <summary>The web console's sessions, in memory (a restart logs everyone out): random ids in an <c>HttpOnly</c>,
/// <c>SameSite=Strict</c> cookie, a CSRF token per session, idle and absolute timeouts, and a bound on their number.</summary>
internal sealed class ConsoleSessions
{
    public const string CookieName = "lantern_session";
    public const string CsrfHeader = "X-CSRF-Token";

    /// <summary>Sent by the console's scripts so a 401 carries no Basic challenge.</summary>
    public const string ConsoleHeader = "X-Lantern-Console";
    public const int MaxSessions = 1000;
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(12);

    private readonly ConcurrentDictionary<string, ConsoleSession> _sessions = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public ConsoleSessions(TimeProvider time)
    {
        _time = time;
    }

    public int Count => _sessions.Count;

    public ConsoleSession Create(string user, bool write)
    {
        var now = _time.GetUtcNow();
        if (_sessions.Count >= MaxSessions)
        {
            // At the bound the least recently used session goes: an attacker with valid credentials could only log others out.
            ConsoleSession? oldest = null;
            foreach (var s in _sessions.Values)
            {
                oldest = oldest is null || s.LastSeenAt < oldest.LastSeenAt ? s : oldest;
            }

            if (oldest is not null)
            {
                _sessions.TryRemove(oldest.Id, out _);
            }
        }

        var session = new ConsoleSession(NewToken(), user, write, NewToken(), now);
        _sessions[session.Id] = session;
        return session;
    }

    /// <summary>The live session with this id, refreshed; null when unknown or timed out (then it is removed).</summary>
    public ConsoleSession? Find(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 64 || !_sessions.TryGetValue(id, out var session))
        {
            return null;
        }

        var now = _time.GetUtcNow();
        if (now - session.LastSeenAt > IdleTimeout || now - session.CreatedAt > MaxLifetime)
        {
            _sessions.TryRemove(id, out _);
            return null;
        }

        session.LastSeenAt = now;
        return session;
    }

    public void Remove(string id) => _sessions.TryRemove(id, out _);

    /// <summary>Whether <paramref name="token"/> is the session's CSRF token, compared in constant time.</summary>
    public static bool CsrfMatches(ConsoleSession session, string? token) =>
        token is not null && token.Length == session.CsrfToken.Length
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(token), Encoding.ASCII.GetBytes(session.CsrfToken));

    private static string NewToken() => Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
}
