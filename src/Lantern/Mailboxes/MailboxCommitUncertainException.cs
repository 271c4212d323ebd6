namespace Lantern.Mailboxes;

/// <summary>Thrown by a shared store when the connection failed after COMMIT was sent: the write may or may not be stored.</summary>
public sealed class MailboxCommitUncertainException : Exception
{
    public MailboxCommitUncertainException()
    {
    }

    public MailboxCommitUncertainException(string message)
        : base(message)
    {
    }

    public MailboxCommitUncertainException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MailboxCommitUncertainException(string message, long changeId, Exception innerException)
        : base(message, innerException)
    {
        ChangeId = changeId;
    }

    /// <summary>The change id the transaction drew before COMMIT (0 when none): the SSE id of the write if it was stored.</summary>
    public long ChangeId { get; }
}
