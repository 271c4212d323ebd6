namespace Lantern.Mailboxes;

/// <summary>Thrown by writes that cannot report a status (e.g. <see cref="IMailboxService.DeleteWhereAsync"/>) when the store failed or is not loaded yet; nothing was written.</summary>
public sealed class MailboxUnavailableException : Exception
{
    public MailboxUnavailableException()
    {
    }

    public MailboxUnavailableException(string message)
        : base(message)
    {
    }

    public MailboxUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
