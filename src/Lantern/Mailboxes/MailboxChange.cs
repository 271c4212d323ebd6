namespace Lantern.Mailboxes;

/// <summary>One committed change from the change feed; <see cref="Sequence"/> is its change id (cluster-wide with a shared store).</summary>
/// <param name="Mailbox">The state after the change; for a deletion, the last state before it.</param>
public sealed record MailboxChange(long Sequence, MailboxChangeKind Kind, Mailbox Mailbox, DateTimeOffset Time)
{
    /// <summary>This node's arrival order of the change (1, 2, …): ids of a cluster may arrive out of order, positions never do.</summary>
    public long Position { get; init; }
}
