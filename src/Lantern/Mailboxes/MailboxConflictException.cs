namespace Lantern.Mailboxes;

/// <summary>Thrown by a repository when the stored row moved on under the write (another node wrote it first); nothing was written.</summary>
public sealed class MailboxConflictException : Exception
{
    public MailboxConflictException()
    {
    }

    public MailboxConflictException(string message)
        : base(message)
    {
    }

    public MailboxConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
