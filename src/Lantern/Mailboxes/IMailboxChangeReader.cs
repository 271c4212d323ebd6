namespace Lantern.Mailboxes;

/// <summary>One consumer's view of the change feed; dispose to stop receiving.</summary>
public interface IMailboxChangeReader : IDisposable
{
    /// <summary>Waits for the next change (coalesced per mailbox).</summary>
    ValueTask<MailboxChange> ReadAsync(CancellationToken cancellationToken);

    /// <summary>Cancelled when the reader's backlog passed its bound; it then holds and yields nothing more.</summary>
    CancellationToken Overflowed { get; }

    /// <summary>Takes a pending change without waiting.</summary>
    bool TryRead(out MailboxChange change);
}
