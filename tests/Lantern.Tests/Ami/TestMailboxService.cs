using System.Threading.Channels;
using Lantern.Mailboxes;

namespace Lantern.Tests.Ami;

/// <summary>Temporary in-memory IMailboxService for AMI tests until the real service is merged.</summary>
internal sealed class TestMailboxService : IMailboxService, IMailboxChangeFeed
{
    private readonly Dictionary<MailboxId, Mailbox> _rows = [];
    private readonly List<Reader> _readers = [];
    private readonly Lock _lock = new();
    private long _seq;

    public IMailboxChangeFeed Changes => this;

    public long LastSequence => _seq;

    public IMailboxChangeReader Subscribe()
    {
        var r = new Reader();
        lock (_lock)
        {
            _readers.Add(r);
        }

        return r;
    }

    public IReadOnlyList<MailboxChange> ReadSince(long sequence, out bool complete)
    {
        complete = false;
        return [];
    }

    public Mailbox? Find(MailboxId id)
    {
        lock (_lock)
        {
            return _rows.GetValueOrDefault(id);
        }
    }

    public IReadOnlyList<Mailbox> List(MailboxQuery query)
    {
        lock (_lock)
        {
            return [.. _rows.Values.Where(m => query.Match is null || query.Match(m.Id)).OrderBy(m => m.Id.ToString(), StringComparer.Ordinal)];
        }
    }

    public ValueTask<MailboxWriteResult> UpdateAsync(MailboxId id, MailboxSource source, MailboxUpdate update, long? expectedVersion, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _rows.TryGetValue(id, out var current);
            if (current is not null && current.Source != source)
            {
                return new(new MailboxWriteResult(MailboxWriteStatus.OwnedByOther, current, $"owned by {current.Source}"));
            }

            if (!update.TryApply(current?.Counts ?? MailboxCounts.Empty, out var next, out var error))
            {
                return new(new MailboxWriteResult(MailboxWriteStatus.Invalid, current, error));
            }

            if (current is not null && current.Counts == next)
            {
                return new(new MailboxWriteResult(MailboxWriteStatus.Unchanged, current, string.Empty));
            }

            var m = new Mailbox(id, next, (current?.Version ?? 0) + 1, source, DateTimeOffset.UnixEpoch);
            _rows[id] = m;
            Publish(MailboxChangeKind.Updated, m);
            return new(new MailboxWriteResult(MailboxWriteStatus.Changed, m, string.Empty));
        }
    }

    public ValueTask<MailboxWriteResult> SetPublicationLapsedAsync(MailboxId id, MailboxSource source, bool lapsed, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public ValueTask<MailboxWriteResult> DeleteAsync(MailboxId id, MailboxSource source, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_rows.TryGetValue(id, out var current))
            {
                return new(new MailboxWriteResult(MailboxWriteStatus.NotFound, null, "not found"));
            }

            if (current.Source != source)
            {
                return new(new MailboxWriteResult(MailboxWriteStatus.OwnedByOther, current, "owned"));
            }

            _rows.Remove(id);
            Publish(MailboxChangeKind.Deleted, current);
            return new(new MailboxWriteResult(MailboxWriteStatus.Changed, current, string.Empty));
        }
    }

    public ValueTask<int> DeleteWhereAsync(Func<MailboxId, bool> match, MailboxSource source, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var doomed = _rows.Values.Where(m => m.Source == source && match(m.Id)).ToList();
            foreach (var m in doomed)
            {
                _rows.Remove(m.Id);
                Publish(MailboxChangeKind.Deleted, m);
            }

            return new(doomed.Count);
        }
    }

    public async ValueTask<MailboxBatchResult> UpdateBatchAsync(IReadOnlyList<MailboxBatchItem> items, MailboxSource source, CancellationToken cancellationToken)
    {
        foreach (var item in items)
        {
            await UpdateAsync(item.Id, source, item.Update, null, cancellationToken);
        }

        return new MailboxBatchResult(true, items.Count, []);
    }

    private void Publish(MailboxChangeKind kind, Mailbox m)
    {
        var change = new MailboxChange(++_seq, kind, m, DateTimeOffset.UnixEpoch);
        foreach (var r in _readers)
        {
            r.Channel.Writer.TryWrite(change);
        }
    }

    private sealed class Reader : IMailboxChangeReader
    {
        public Channel<MailboxChange> Channel { get; } = System.Threading.Channels.Channel.CreateUnbounded<MailboxChange>();

        public ValueTask<MailboxChange> ReadAsync(CancellationToken cancellationToken) => Channel.Reader.ReadAsync(cancellationToken);

        public bool TryRead(out MailboxChange change) => Channel.Reader.TryRead(out change!);

        public void Dispose() => Channel.Writer.TryComplete();
    }
}
