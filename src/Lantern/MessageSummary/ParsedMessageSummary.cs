using Lantern.Mailboxes;

namespace Lantern.MessageSummary;

/// <summary>A parsed RFC 3842 body: the <c>Messages-Waiting</c> flag as sent, the account URI if any, and the counts.</summary>
/// <param name="HasCounts">False when the body had no message-class line at all (only <c>Messages-Waiting</c>).</param>
public sealed record ParsedMessageSummary(bool MessagesWaiting, string? Account, MailboxCounts Counts, bool HasCounts);
