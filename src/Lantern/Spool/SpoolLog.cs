namespace Lantern.Spool;

/// <summary>Log messages of the voicemail spool source (event ids 6200-6299).</summary>
internal static partial class SpoolLog
{
    [LoggerMessage(EventId = 6200, Level = LogLevel.Information, Message = "Spool {Name}: watching {Path}; {Mailboxes} mailboxes found")]
    public static partial void Started(ILogger logger, string name, string path, int mailboxes);

    [LoggerMessage(EventId = 6201, Level = LogLevel.Debug, Message = "Spool {Name}: {Mailbox} set to new {New} old {Old} urgent {Urgent}")]
    public static partial void Counted(ILogger logger, string name, Lantern.Mailboxes.MailboxId mailbox, int @new, int old, int urgent);

    [LoggerMessage(EventId = 6202, Level = LogLevel.Information, Message = "Spool {Name}: folder of {Mailbox} is gone; mailbox deleted")]
    public static partial void Deleted(ILogger logger, string name, Lantern.Mailboxes.MailboxId mailbox);

    [LoggerMessage(EventId = 6203, Level = LogLevel.Warning, Message = "Spool {Name}: {Mailbox} is owned by {Owner}; its spool folder is ignored")]
    public static partial void OwnedByOther(ILogger logger, string name, Lantern.Mailboxes.MailboxId mailbox, string owner);

    [LoggerMessage(EventId = 6204, Level = LogLevel.Warning, Message = "Spool {Name}: writing {Mailbox} failed: {Status} {Error}")]
    public static partial void WriteFailed(ILogger logger, string name, Lantern.Mailboxes.MailboxId mailbox, Lantern.Mailboxes.MailboxWriteStatus status, string error);

    [LoggerMessage(EventId = 6205, Level = LogLevel.Warning, Message = "Spool {Name}: file notifications overflowed or failed; a full rescan follows")]
    public static partial void WatcherError(ILogger logger, Exception exception, string name);

    [LoggerMessage(EventId = 6206, Level = LogLevel.Debug, Message = "Spool {Name}: rescan of {Mailboxes} mailboxes took {Milliseconds} ms")]
    public static partial void Rescanned(ILogger logger, string name, int mailboxes, long milliseconds);

    [LoggerMessage(EventId = 6207, Level = LogLevel.Error, Message = "Spool {Name}: unexpected error; retried at the next rescan")]
    public static partial void Crashed(ILogger logger, Exception exception, string name);

    [LoggerMessage(EventId = 6208, Level = LogLevel.Debug, Message = "Spool {Name}: folder \"{Folder}\" is not a valid mailbox id; ignored")]
    public static partial void InvalidFolder(ILogger logger, string name, string folder);
}
