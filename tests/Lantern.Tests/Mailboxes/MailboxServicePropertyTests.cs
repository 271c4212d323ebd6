using FsCheck;
using FsCheck.Xunit;
using Lantern.Mailboxes;
using Microsoft.Extensions.Time.Testing;

namespace Lantern.Tests.Mailboxes;

/// <summary>Random write sequences (sets, deltas, deletes, foreign writes, bad updates, batches) against the service's invariants.</summary>
public sealed class MailboxServicePropertyTests
{
    private static readonly MailboxSource[] Sources = [MailboxSource.Api, MailboxSource.Upstream("prov")];

    private static MessageCounts SmallCounts(int a, int b, int c, int d) => new(a % 4, b % 4, c % 3, d % 3);

    private static MailboxUpdate DecodeUpdate(int kind, int a, int b, int c, int d)
    {
        var cls = (MessageClass)(Math.Abs(a) % 5);
        return (Math.Abs(kind) % 3) switch
        {
            0 => MailboxUpdate.Replace(new MailboxCounts(SmallCounts(a, b, c, d))),
            1 => MailboxUpdate.SetClass(cls, b % 4, null, c % 3, null),
            _ => MailboxUpdate.Delta(new Dictionary<MessageClass, MessageCountsDelta> { [cls] = new(b % 3, c % 3, d % 2, 0) }),
        };
    }

    [Property(MaxTest = 200)]
    public async Task<bool> RandomWrites_KeepEveryInvariant(int[] raw)
    {
        var repository = new InMemoryMailboxRepository();
        using var service = new MailboxService(repository, new FakeTimeProvider(), new MailboxServiceOptions { MaxMailboxes = 3 });
        await service.LoadAsync(CancellationToken.None);
        using var slowReader = service.Changes.Subscribe();
        MailboxId[] ids = [MailboxId.Parse("m0"), MailboxId.Parse("m1"), MailboxId.Parse("m2"), MailboxId.Parse("m3")];

        for (var i = 0; i + 6 <= raw.Length && i < 6 * 60; i += 6)
        {
            var (op, target, a, b, c, d) = (Math.Abs(raw[i]) % 7, Math.Abs(raw[i + 1]) % ids.Length, raw[i + 2], raw[i + 3], raw[i + 4], raw[i + 5]);
            var id = ids[target];
            var source = Sources[Math.Abs(a) % 2];
            var before = service.Find(id);
            var sequence = service.Changes.LastSequence;
            MailboxWriteResult? result = null;
            switch (op)
            {
                case <= 2:
                    result = await service.UpdateAsync(id, source, DecodeUpdate(op, a, b, c, d), (b & 8) != 0 ? (long?)(Math.Abs(c) % 3) : null, CancellationToken.None);
                    break;
                case 3:
                    result = await service.DeleteAsync(id, source, CancellationToken.None);
                    break;
                case 4:
                    result = await service.SetPublicationLapsedAsync(id, source, (b & 1) != 0, CancellationToken.None);
                    break;
                case 5:
                    var batch = await service.UpdateBatchAsync(
                        [new(id, DecodeUpdate(a, a, b, c, d)), new(ids[Math.Abs(b) % ids.Length], DecodeUpdate(b, d, c, b, a))], source, CancellationToken.None);
                    if (!batch.Applied && service.Changes.LastSequence != sequence)
                    {
                        return false;
                    }

                    break;
                default:
                    await service.DeleteWhereAsync(x => x.Mailbox.EndsWith((Math.Abs(c) % 2).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), source, CancellationToken.None);
                    break;
            }

            if (result is not null)
            {
                var after = service.Find(id);
                var ok = result.Status switch
                {
                    MailboxWriteStatus.Changed when op <= 2 => after!.Version == (before?.Version ?? 0) + 1 && after.Counts != before?.Counts,
                    MailboxWriteStatus.Changed => service.Changes.LastSequence == sequence + 1,
                    _ => after == before && service.Changes.LastSequence == sequence,
                };
                if (!ok)
                {
                    return false;
                }
            }

            if (service.Count > 3 || service.List(MailboxQuery.All).Any(m => m.Counts.Validate() is not null || m.Version < 1))
            {
                return false;
            }
        }

        // The slow reader's last word on every mailbox is its final state; the store holds exactly the committed state.
        var last = new Dictionary<MailboxId, MailboxChange>();
        while (slowReader.TryRead(out var change))
        {
            last[change.Mailbox.Id] = change;
        }

        foreach (var id in ids)
        {
            var final = service.Find(id);
            var seen = last.GetValueOrDefault(id);
            var ok = final is null
                ? seen is null || seen.Kind == MailboxChangeKind.Deleted
                : seen is not null && seen.Kind == MailboxChangeKind.Updated && seen.Mailbox == final;
            if (!ok)
            {
                return false;
            }
        }

        var stored = (await repository.LoadAllAsync(CancellationToken.None)).OrderBy(m => m.Id.ToString(), StringComparer.Ordinal);
        return stored.SequenceEqual(service.List(MailboxQuery.All));
    }

    [Property(MaxTest = 100)]
    public async Task<bool> Batch_WithOneBadItem_AppliesNothing(NonEmptyArray<int> news, PositiveInt badIndex)
    {
        using var service = new MailboxService(new InMemoryMailboxRepository(), new FakeTimeProvider());
        await service.LoadAsync(CancellationToken.None);
        var items = news.Get.Take(50).Select((n, i) => new MailboxBatchItem(MailboxId.Parse($"b{i}"), MailboxUpdate.SetClass(MessageClass.Voice, Math.Abs(n % 1000), 0, 0, 0))).ToList();
        var bad = badIndex.Get % items.Count;
        items[bad] = items[bad] with { Update = MailboxUpdate.SetClass(MessageClass.Voice, -1, 0, 0, 0) };

        var result = await service.UpdateBatchAsync(items, MailboxSource.Api, CancellationToken.None);

        return !result.Applied && result.Errors.Single().Index == bad && service.Count == 0 && service.Changes.LastSequence == 0;
    }
}
