using Microsoft.Data.Sqlite;

namespace Lantern.Storage.Sqlite;

/// <summary>The generic record store in the SQLite <c>records</c> table; times are Unix milliseconds.</summary>
internal sealed class SqliteRecordStore : IRecordStore
{
    private readonly SqliteStore _store;
    private SqliteRecordStatements? _statements;

    public SqliteRecordStore(SqliteStore store)
    {
        _store = store;
    }

    public ValueTask PutAsync(StoredRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        record.Validate();
        return WriteBatchAsync([new RecordWrite(record.Kind, record.Key, record.Json, record.ExpiresAt)], cancellationToken);
    }

    public async ValueTask<bool> DeleteAsync(string kind, string key, CancellationToken cancellationToken)
    {
        StoredRecord.CheckKind(kind);
        StoredRecord.CheckKey(key);
        var n = await _store.WriteAsync(
            (c, t) =>
            {
                using var command = c.CreateCommand();
                command.Transaction = t;
                command.CommandText = "DELETE FROM records WHERE kind = $kind AND key = $key";
                command.Parameters.AddWithValue("$kind", kind);
                command.Parameters.AddWithValue("$key", key);
                return command.ExecuteNonQuery();
            },
            cancellationToken).ConfigureAwait(false);
        return n > 0;
    }

    public async ValueTask WriteBatchAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken)
    {
        if (!RecordWrite.ValidateBatch(writes))
        {
            return;
        }

        var now = _store.Time.GetUtcNow().ToUnixTimeMilliseconds();
        await _store.WriteAsync((c, _) => ApplyBatch(c, writes, now), cancellationToken).ConfigureAwait(false);
    }

    // The statements are prepared once on the writer's connection (the only one that writes) and kept for the store's life.
    private int ApplyBatch(SqliteConnection connection, IReadOnlyList<RecordWrite> writes, long now)
    {
        var statements = _statements;
        if (statements is null || !ReferenceEquals(statements.Connection, connection))
        {
            statements?.Dispose();
            _statements = statements = new SqliteRecordStatements(connection);
        }

        var changed = 0;
        for (var i = 0; i < writes.Count; i++)
        {
            var write = writes[i];
            changed += write.IsDelete ? statements.Delete(write.Kind, write.Key) : statements.Put(write, now);
        }

        return changed;
    }

    /// <summary>Finalizes the prepared statements; the store calls it once its writer has stopped, before closing the connection.</summary>
    internal void ReleaseStatements()
    {
        _statements?.Dispose();
        _statements = null;
    }

    public async ValueTask<IReadOnlyList<StoredRecord>> LoadAllAsync(string kind, CancellationToken cancellationToken)
    {
        StoredRecord.CheckKind(kind);
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT key, value, expires_at FROM records WHERE kind = $kind ORDER BY key";
        command.Parameters.AddWithValue("$kind", kind);
        var result = new List<StoredRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            DateTimeOffset? expires = reader.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2));
            result.Add(new StoredRecord(kind, reader.GetString(0), reader.GetString(1), expires));
        }

        return result;
    }

    public async ValueTask<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ms = now.ToUnixTimeMilliseconds();
        return await _store.WriteAsync(
            (c, t) =>
            {
                using var command = c.CreateCommand();
                command.Transaction = t;
                command.CommandText = "DELETE FROM records WHERE expires_at IS NOT NULL AND expires_at <= $now";
                command.Parameters.AddWithValue("$now", ms);
                return command.ExecuteNonQuery();
            },
            cancellationToken).ConfigureAwait(false);
    }
}
