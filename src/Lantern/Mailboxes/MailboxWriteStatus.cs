namespace Lantern.Mailboxes;

/// <summary>The outcome of a mailbox write.</summary>
public enum MailboxWriteStatus
{
    /// <summary>Committed; a new version was created (or the mailbox was deleted).</summary>
    Changed = 0,

    /// <summary>The update left the counts as they were: no version, no event.</summary>
    Unchanged = 1,

    /// <summary>The mailbox did not exist (delete, or an update that may not create).</summary>
    NotFound = 2,

    /// <summary>Another source owns the mailbox.</summary>
    OwnedByOther = 3,

    /// <summary>The caller's expected version did not match.</summary>
    VersionMismatch = 4,

    /// <summary>The result would break a count rule.</summary>
    Invalid = 5,

    /// <summary>The store is full or unreachable; nothing was written.</summary>
    Unavailable = 6,
}
