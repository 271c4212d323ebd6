namespace Lantern.Status;

/// <summary>Where an outbound subscription stands (sip.md §7).</summary>
public enum UpstreamState
{
    /// <summary>A SUBSCRIBE is in flight and nothing was granted yet.</summary>
    Subscribing = 0,

    /// <summary>The server granted the subscription; refreshes keep it alive.</summary>
    Active = 1,

    /// <summary>The last attempt failed; the next one waits for the backoff delay.</summary>
    Retrying = 2,

    /// <summary>The server refused our credentials; retried with backoff like any other failure.</summary>
    FailedAuth = 3,

    /// <summary>The server granted the subscription but sent no NOTIFY within 64·T1 (RFC 6665 §4.1.2.4); retried with backoff.</summary>
    FailedNoNotify = 4,
}
