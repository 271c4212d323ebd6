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

    /// <summary>As <see cref="WriteBatchAsync(IReadOnlyList{RecordWrite}, CancellationToken)"/>, and sets
    /// <paramref name="applied"/>[i] to whether put i changed a row: a put <see cref="RecordWrite.OnlyIfOwned"/> changes none
    /// when another node owns the record or it is gone (cluster mode). Every other write counts as applied.</summary>
    async ValueTask WriteBatchAsync(IReadOnlyList<RecordWrite> writes, bool[] applied, CancellationToken cancellationToken)
    {
        await WriteBatchAsync(writes, cancellationToken).ConfigureAwait(false);
        Array.Fill(applied, true);
    }

    /// <summary>Every record of one kind (expired ones included: the caller decides), ordered by key.</summary>
    ValueTask<IReadOnlyList<StoredRecord>> LoadAllAsync(string kind, CancellationToken cancellationToken);

    /// <summary>Deletes every record whose expiry is at or before <paramref name="now"/>; returns how many.</summary>
    ValueTask<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
