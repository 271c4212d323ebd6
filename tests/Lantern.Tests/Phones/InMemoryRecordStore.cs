using System.Collections.Concurrent;
using Lantern.Storage;

namespace Lantern.Tests.Phones;

/// <summary>An <see cref="IRecordStore"/> in a dictionary, to test storage and restore without a database.</summary>
internal sealed class InMemoryRecordStore : IRecordStore
{
    private readonly ConcurrentDictionary<(string, string), StoredRecord> _records = new();

    public int CountOf(string kind) => _records.Keys.Count(k => k.Item1 == kind);

    public IReadOnlyList<StoredRecord> All(string kind) => [.. _records.Values.Where(r => r.Kind == kind)];

    public ValueTask PutAsync(StoredRecord record, CancellationToken cancellationToken)
    {
        _records[(record.Kind, record.Key)] = record;
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> DeleteAsync(string kind, string key, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_records.TryRemove((kind, key), out _));

    /// <summary>Batches handed to <see cref="WriteBatchAsync"/>, in order.</summary>
    public ConcurrentQueue<IReadOnlyList<RecordWrite>> Batches { get; } = new();

    /// <summary>When set, the next batch fails with this exception (then the store works again).</summary>
    public Exception? FailNextBatch { get; set; }

    /// <summary>When set, batches wait for it before committing.</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>Set when a batch reaches the store (before <see cref="Gate"/>).</summary>
    public TaskCompletionSource BatchStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask WriteBatchAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken)
    {
        BatchStarted.TrySetResult();
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        if (FailNextBatch is { } failure)
        {
            FailNextBatch = null;
            throw failure;
        }

        // The writer's UTF-8 values live in a buffer it reuses for the next batch: kept as strings.
        Batches.Enqueue([.. writes.Select(w => w.Utf8Json.IsEmpty ? w : w with { Json = w.JsonText, Utf8Json = default })]);
        foreach (var w in writes)
        {
            if (w.IsDelete)
            {
                _records.TryRemove((w.Kind, w.Key), out _);
            }
            else
            {
                _records[(w.Kind, w.Key)] = new StoredRecord(w.Kind, w.Key, w.JsonText!, w.ExpiresAt);
            }
        }
    }

    public ValueTask<IReadOnlyList<StoredRecord>> LoadAllAsync(string kind, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<StoredRecord>>([.. _records.Values.Where(r => r.Kind == kind).OrderBy(r => r.Key, StringComparer.Ordinal)]);

    public ValueTask<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) => ValueTask.FromResult(0);
}
