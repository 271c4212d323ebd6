namespace Lantern.Configuration;

/// <summary><c>ami</c>: the AMI-compatible TCP listener and its users.</summary>
public sealed class AmiOptions
{
    public const string DefaultListen = "127.0.0.1:5038";

    public string Listen { get; set; } = DefaultListen;

    public List<AmiUserOptions> Users { get; set; } = [];

    public int MaxConnectionsPerUser { get; set; } = 16;

    /// <summary>Seconds without a packet from the client before the session is closed; 0 disables.</summary>
    public int IdleTimeoutSeconds { get; set; } = 600;

    /// <summary>Seconds a connection may stay without logging in (Asterisk's <c>authtimeout</c>); 0 disables.</summary>
    public int AuthTimeoutSeconds { get; set; } = 30;

    /// <summary>Connections without a login at once (Asterisk's <c>authlimit</c>); more are closed on accept.</summary>
    public int AuthLimit { get; set; } = 50;

    /// <summary>Connections without a login at once from one address; the last fifth of <see cref="AuthLimit"/> is kept for addresses that hold none.</summary>
    public int AuthLimitPerAddress { get; set; } = 5;

    /// <summary>Open connections (logged in or not) accepted at once; more are closed on accept. Lowered at start when the descriptor limit is smaller.</summary>
    public int MaxConnections { get; set; } = 1024;

    /// <summary>Open connections (logged in or not) at once from one address.</summary>
    public int MaxConnectionsPerAddress { get; set; } = 100;

    /// <summary>Packets (responses and events) queued per session; a session whose client does not read is dropped at this bound.</summary>
    /// <remarks>Event packets are shared by all sessions, so a slot costs a reference; the bound must exceed the largest burst
    /// of changes (a 10,000-item batch) or a reading client is dropped too.</remarks>
    public int OutboundQueueLimit { get; set; } = 65_536;

    /// <summary>Delay before answering a failed Login, to slow down guessing.</summary>
    public int LoginFailureDelayMilliseconds { get; set; } = 1000;

    /// <summary>Failed Logins on one connection before it is closed.</summary>
    public int MaxLoginFailures { get; set; } = 5;

    /// <summary>Time one action may spend matching a <c>/regex/</c> mailbox pattern over every mailbox id.</summary>
    public int RegexTimeoutMilliseconds { get; set; } = 100;
}
