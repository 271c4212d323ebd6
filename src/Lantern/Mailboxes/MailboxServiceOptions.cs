namespace Lantern.Mailboxes;

/// <summary>Bounds of the mailbox service.</summary>
public sealed record MailboxServiceOptions
{
    /// <summary>Creating a mailbox beyond this many is refused with <see cref="MailboxWriteStatus.Unavailable"/>.</summary>
    public int MaxMailboxes { get; init; } = 1_000_000;

    /// <summary>Largest atomic batch accepted.</summary>
    public int MaxBatchItems { get; init; } = 10_000;

    /// <summary>How many recent changes the feed keeps for <see cref="IMailboxChangeFeed.ReadSince"/> (SSE resume).</summary>
    public int ReplayCapacity { get; init; } = 10_000;

    /// <summary>Change-feed sequence numbers continue after this one (see <see cref="MailboxChangeFeed"/>); hosts use the
    /// start time in microseconds since the Unix epoch.</summary>
    public long SequenceBase { get; init; }

    /// <summary>Cluster mode: a resume from an SSE id also replays what arrived this long before the first greater id, since
    /// another node may have published those changes after it (decision 0039).</summary>
    public TimeSpan ReorderWindow { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Number of lock stripes serialising writes; mailboxes hashing to one stripe share a serial owner.</summary>
    public int WriteStripes { get; init; } = 256;
}
