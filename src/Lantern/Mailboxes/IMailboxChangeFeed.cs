namespace Lantern.Mailboxes;

/// <summary>Publishes every committed change, in version order per mailbox, to any number of readers.</summary>
public interface IMailboxChangeFeed
{
    /// <summary>Sequence number of the newest change published so far (0 when none).</summary>
    long LastSequence { get; }

    /// <summary>A new coalescing reader: a slow reader gets each changed mailbox's newest state, never a stale one last.</summary>
    IMailboxChangeReader Subscribe();

    /// <summary>A coalescing reader that gives up once more than <paramref name="maxPending"/> mailboxes wait unread: its
    /// <see cref="IMailboxChangeReader.Overflowed"/> is cancelled and its backlog dropped, so a stalled reader costs bounded memory.</summary>
    IMailboxChangeReader Subscribe(int maxPending);

    /// <summary>Changes with a sequence greater than <paramref name="sequence"/> still held in the replay window;
    /// <paramref name="complete"/> is false when some of them already fell out of it.</summary>
    IReadOnlyList<MailboxChange> ReadSince(long sequence, out bool complete);
}
