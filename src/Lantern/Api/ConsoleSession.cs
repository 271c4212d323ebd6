namespace Lantern.Api;

/// <summary>One logged-in web console session: the user, their rights, and the CSRF token every write must carry.</summary>
internal sealed class ConsoleSession
{
    public ConsoleSession(string id, string user, bool write, string csrfToken, DateTimeOffset createdAt)
    {
        Id = id;
        User = user;
        Write = write;
        CsrfToken = csrfToken;
        CreatedAt = createdAt;
        LastSeenAt = createdAt;
    }

    public string Id { get; }

    public string User { get; }

    public bool Write { get; }

    public string CsrfToken { get; }

    public DateTimeOffset CreatedAt { get; }

    /// <summary>Updated on each request; a session idle for longer than the idle timeout ends.</summary>
    public DateTimeOffset LastSeenAt { get; set; }
}
