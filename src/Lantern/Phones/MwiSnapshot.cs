using Lantern.Mailboxes;
using Lantern.MessageSummary;

namespace Lantern.Phones;

/// <summary>The state one body reports: counts (summed over the part's mailboxes) and the Message-Account.</summary>
/// <param name="Version">Sum of the mailboxes' versions: it grows whenever any of them changes, so it orders snapshots of one part.</param>
/// <param name="MessageAccount">The full <c>sip:user@domain</c> account URI.</param>
internal sealed record MwiSnapshot(MailboxCounts Counts, long Version, string MessageAccount, bool OmitUrgent)
{
    private byte[]? _body;

    public bool Waiting => Counts.Waiting;

    /// <summary>The RFC 3842 body, written on first use and then shared by every NOTIFY carrying this snapshot (a fan-out
    /// sends one snapshot to every subscriber of a mailbox). Two threads racing here write equal bytes; either copy is fine.</summary>
    public ReadOnlyMemory<byte> Body => _body ??= WriteBody();

    // The body is the one allocation: the account's UTF-8 and the writer's room stay on the stack (a NOTIFY to a phone whose
    // mailbox nobody else watches writes its own).
    private byte[] WriteBody()
    {
        var accountLength = System.Text.Encoding.UTF8.GetByteCount(MessageAccount);
        var room = MessageSummaryWriter.GetMaxLength(accountLength);
        if (accountLength + room > 1024)
        {
            return MessageSummaryWriter.ToArray(Counts, MessageAccount, OmitUrgent);
        }

        Span<byte> buffer = stackalloc byte[1024];
        var account = buffer[..accountLength];
        System.Text.Encoding.UTF8.GetBytes(MessageAccount, account);
        var body = buffer[accountLength..];
        MessageSummaryWriter.TryWrite(body, Counts, account, OmitUrgent, out var written);
        return body[..written].ToArray();
    }

    /// <summary>Reads the current committed state of every mailbox of <paramref name="part"/>; a missing mailbox counts as empty.</summary>
    public static MwiSnapshot Of(MwiPart part, bool omitUrgent, string domain, IMailboxService mailboxes)
    {
        MailboxCounts? sum = null;
        long version = 0;
        foreach (var id in part.Mailboxes)
        {
            var m = mailboxes.Find(id);
            if (m is null)
            {
                continue;
            }

            version += m.Version;
            sum = sum is null ? m.Counts : sum.Plus(m.Counts);
        }

        return new MwiSnapshot(sum ?? MailboxCounts.Empty, version, AccountUri(part.AccountUser, domain), omitUrgent);
    }

    /// <summary>The state of one mailbox as read from the service; a missing one (null) counts as empty.</summary>
    public static MwiSnapshot Of(Mailbox? mailbox, string accountUser, bool omitUrgent, string domain) =>
        new(mailbox?.Counts ?? MailboxCounts.Empty, mailbox?.Version ?? 0, AccountUri(accountUser, domain), omitUrgent);

    /// <summary><c>sip:user@domain</c>; <c>#</c> is the one mailbox character a SIP user part must escape.</summary>
    public static string AccountUri(string user, string domain) =>
        "sip:" + user.Replace("#", "%23", StringComparison.Ordinal) + "@" + domain;

    // The lazily written body is a cache, not state: equality stays that of the reported values.
    public bool Equals(MwiSnapshot? other) =>
        other is not null && Counts == other.Counts && Version == other.Version && MessageAccount == other.MessageAccount && OmitUrgent == other.OmitUrgent;

    public override int GetHashCode() => HashCode.Combine(Counts, Version, MessageAccount, OmitUrgent);
}
