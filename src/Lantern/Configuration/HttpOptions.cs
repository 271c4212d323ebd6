namespace Lantern.Configuration;

/// <summary><c>http</c>: the REST API listener and its users.</summary>
public sealed class HttpOptions
{
    public const string DefaultListen = "127.0.0.1:8088";

    public string Listen { get; set; } = DefaultListen;

    public List<HttpUserOptions> Users { get; set; } = [];

    /// <summary>API keys accepted as <c>Authorization: Bearer KEY</c>.</summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>Most concurrent <c>/api/v1/events</c> streams; more are refused with 503.</summary>
    public int MaxEventStreams { get; set; } = 100;

    /// <summary>HTTP connections open at once; lowered at start when the descriptor limit is smaller.</summary>
    public int MaxConnections { get; set; } = 1000;

    /// <summary>HTTP connections open at once from one address.</summary>
    public int MaxConnectionsPerAddress { get; set; } = 100;

    /// <summary>Seconds a connection may stay open with no request under way (Kestrel's keep-alive timeout).</summary>
    public int IdleTimeoutSeconds { get; set; } = 30;

    /// <summary>Changed mailboxes an event stream may hold unsent; a stream whose client reads slower is closed (it resumes with Last-Event-ID).</summary>
    public int EventStreamBacklog { get; set; } = 1000;

    /// <summary>Seconds one write to an event stream may take; a client that does not read for longer is disconnected.</summary>
    public int EventStreamWriteTimeoutSeconds { get; set; } = 30;

    /// <summary>PEM certificate file; when set, the API is served over HTTPS.</summary>
    public string? Certificate { get; set; }

    /// <summary>PEM private key file for <see cref="Certificate"/> (omit when the certificate file holds the key).</summary>
    public string? Key { get; set; }
}
