using Lantern.Mailboxes;

namespace Lantern.Tests.Storage;

/// <summary>Repository writes with a placeholder history entry, for tests about the rows rather than the history.</summary>
internal static class MailboxRepositoryTestExtensions
{
    public static ValueTask<long> UpsertAsync(this IMailboxRepository repository, Mailbox mailbox, CancellationToken cancellationToken) =>
        repository.UpsertAsync(mailbox, Entry(mailbox.Id, mailbox.Counts), cancellationToken);

    public static ValueTask<long> DeleteAsync(this IMailboxRepository repository, MailboxId id, CancellationToken cancellationToken) =>
        repository.DeleteAsync(id, Entry(id, null), cancellationToken);

    public static ValueTask<long> ApplyBatchAsync(this IMailboxRepository repository, IReadOnlyList<Mailbox> upserts, IReadOnlyList<MailboxId> deletes, CancellationToken cancellationToken) =>
        repository.ApplyBatchAsync(upserts, deletes, [], cancellationToken);

    private static MailboxHistoryEntry Entry(MailboxId id, MailboxCounts? counts) =>
        new(id, DateTimeOffset.UnixEpoch, MailboxHistoryKind.Updated, MailboxSource.Api, "test", null, counts, 1);
}
