using Lantern.Mailboxes;
using Lantern.MessageSummary;

namespace Lantern.Peers;

/// <summary>The RFC 3842 body as a peer NOTIFY or PUBLISH carries it, turned into counts with the shared strict parser.</summary>
internal static class PeerBodies
{
    /// <summary>A body with only <c>Messages-Waiting</c> still has to light or clear the lamp: <c>yes</c> becomes one new
    /// voice message, <c>no</c> empty counts.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out MailboxCounts counts, out string error)
    {
        if (!MessageSummaryParser.TryParse(body, out var summary, out error))
        {
            counts = MailboxCounts.Empty;
            return false;
        }

        counts = summary.HasCounts ? summary.Counts
            : summary.MessagesWaiting ? new MailboxCounts(new MessageCounts(1, 0, 0, 0))
            : MailboxCounts.Empty;
        return true;
    }
}
