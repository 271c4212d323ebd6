namespace Lantern.Storage;

/// <summary>A durable (kind, key) → JSON store for SIP-side records (subscriptions, registrations) that must survive a restart.</summary>
internal interface IRecordStore
{
    /// <summary>Inserts or replaces one record; returns once committed.</summary>
    ValueTask PutAsync(StoredRecord record, CancellationToken cancellationToken);

    /// <summary>Deletes one record; false when it did not exist.</summary>
    ValueTask<bool> DeleteAsync(string kind, string key, CancellationToken cancellationToken);

    /// <summary>Applies puts and deletes in one transaction, in order; returns once committed. Either all of them are
    /// committed or none (the exception says why).</summary>
    ValueTask WriteBatchAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken);

    /// <summary>Every record of one kind (expired ones included: the caller decides), ordered by key.</summary>
    ValueTask<IReadOnlyList<StoredRecord>> LoadAllAsync(string kind, CancellationToken cancellationToken);

    /// <summary>Deletes every record whose expiry is at or before <paramref name="now"/>; returns how many.</summary>
    ValueTask<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
