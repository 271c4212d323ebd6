using Lantern.Mailboxes;

namespace Lantern.Phones;

/// <summary>Shares one <see cref="MwiSnapshot"/> (and so one serialized body) between every NOTIFY reporting the same state of a
/// single-mailbox part: a change to a mailbox with thousands of subscribers reads and writes its body once, not once per NOTIFY.</summary>
/// <remarks>Direct-mapped and lock-free: a slot holds the last snapshot hashed to it and is overwritten on a miss, so memory is
/// bounded whatever the number of mailboxes. Aggregate parts (several mailboxes) are read each time; their fan-out is one endpoint.</remarks>
internal sealed class MwiSnapshotCache
{
    private readonly Entry?[] _slots;
    private readonly string _domain;
    private readonly IMailboxService _mailboxes;

    /// <param name="slots">Rounded up to a power of two.</param>
    public MwiSnapshotCache(string domain, IMailboxService mailboxes, int slots = 1024)
    {
        _domain = domain;
        _mailboxes = mailboxes;
        _slots = new Entry?[(int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, slots))];
    }

    /// <summary>The current committed state of <paramref name="part"/>, as <see cref="MwiSnapshot.Of(MwiPart, bool, string, IMailboxService)"/> reads it.</summary>
    public MwiSnapshot Get(MwiPart part, bool omitUrgent)
    {
        if (part.Mailboxes.Count != 1)
        {
            return MwiSnapshot.Of(part, omitUrgent, _domain, _mailboxes);
        }

        var id = part.Mailboxes[0];
        var mailbox = _mailboxes.Find(id);
        var index = HashCode.Combine(id, part.AccountUser, omitUrgent) & (_slots.Length - 1);
        var entry = Volatile.Read(ref _slots[index]);
        if (entry is not null && entry.Matches(id, part.AccountUser, omitUrgent, mailbox))
        {
            return entry.Snapshot;
        }

        var snapshot = MwiSnapshot.Of(mailbox, part.AccountUser, omitUrgent, _domain);
        Volatile.Write(ref _slots[index], new Entry(id, part.AccountUser, omitUrgent, mailbox, snapshot));
        return snapshot;
    }

    private sealed record Entry(MailboxId Id, string AccountUser, bool OmitUrgent, Mailbox? Mailbox, MwiSnapshot Snapshot)
    {
        // The committed Mailbox is replaced on every change, so the same instance means the same state; a deleted and recreated
        // mailbox restarts its version, so an equal version alone is not enough and the counts are compared too.
        public bool Matches(MailboxId id, string accountUser, bool omitUrgent, Mailbox? current) =>
            Id == id && OmitUrgent == omitUrgent && string.Equals(AccountUser, accountUser, StringComparison.Ordinal)
            && (ReferenceEquals(Mailbox, current)
                || (Mailbox is not null && current is not null && Mailbox.Version == current.Version && Mailbox.Counts == current.Counts));
    }
}
