using Lantern.Mailboxes;

namespace Lantern.Tests.Mailboxes;

/// <summary>An in-memory repository whose writes can be made to fail, to test that nothing is acknowledged or published then.</summary>
internal sealed class FailingMailboxRepository : IMailboxRepository
{
    private readonly InMemoryMailboxRepository _inner = new();

    public bool Fail { get; set; }

    public int Rows => _inner.Count;

    public ValueTask<IReadOnlyList<Mailbox>> LoadAllAsync(CancellationToken cancellationToken) => _inner.LoadAllAsync(cancellationToken);

    public ValueTask<long> UpsertAsync(Mailbox mailbox, MailboxHistoryEntry history, CancellationToken cancellationToken) =>
        Fail ? throw new IOException("disk on fire") : _inner.UpsertAsync(mailbox, history, cancellationToken);

    public ValueTask<long> DeleteAsync(MailboxId id, MailboxHistoryEntry history, CancellationToken cancellationToken) =>
        Fail ? throw new IOException("disk on fire") : _inner.DeleteAsync(id, history, cancellationToken);

    public ValueTask<long> ApplyBatchAsync(IReadOnlyList<Mailbox> upserts, IReadOnlyList<MailboxId> deletes, IReadOnlyList<MailboxHistoryEntry> history, CancellationToken cancellationToken) =>
        Fail ? throw new IOException("disk on fire") : _inner.ApplyBatchAsync(upserts, deletes, history, cancellationToken);

    public ValueTask<IReadOnlyList<MailboxHistoryEntry>> LoadHistoryAsync(MailboxId id, int limit, CancellationToken cancellationToken) =>
        _inner.LoadHistoryAsync(id, limit, cancellationToken);
}
