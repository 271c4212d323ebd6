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

    public ValueTask<IReadOnlyList<StoredRecord>> LoadAllAsync(string kind, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<StoredRecord>>([.. _records.Values.Where(r => r.Kind == kind).OrderBy(r => r.Key, StringComparer.Ordinal)]);

    public ValueTask<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) => ValueTask.FromResult(0);
}
