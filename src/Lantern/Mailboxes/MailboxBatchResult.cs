namespace Lantern.Mailboxes;

/// <summary>An atomic batch outcome: either every item applied, or the bad items with their index and reason.</summary>
public sealed record MailboxBatchResult(bool Applied, int Changed, IReadOnlyList<MailboxBatchError> Errors);
