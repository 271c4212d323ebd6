using Microsoft.Data.Sqlite;

namespace Lantern.Storage.Sqlite;

/// <summary>The generic record store in the SQLite <c>records</c> table; times are Unix milliseconds.</summary>
internal sealed class SqliteRecordStore : IRecordStore
{
    private readonly SqliteStore _store;

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
        await _store.WriteAsync((c, t) => ApplyBatch(c, t, writes, now), cancellationToken).ConfigureAwait(false);
    }

    // One prepared statement of each kind for the whole batch: a busy writer commits thousands of rows per transaction.
    private static int ApplyBatch(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<RecordWrite> writes, long now)
    {
        using var put = connection.CreateCommand();
        put.Transaction = transaction;
        put.CommandText = """
            INSERT INTO records (kind, key, value, expires_at, updated_at) VALUES ($kind, $key, $value, $expires, $updated)
            ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at, updated_at = excluded.updated_at
            """;
        var putKind = put.Parameters.Add("$kind", SqliteType.Text);
        var putKey = put.Parameters.Add("$key", SqliteType.Text);
        var putValue = put.Parameters.Add("$value", SqliteType.Text);
        var putExpires = put.Parameters.Add("$expires", SqliteType.Integer);
        put.Parameters.AddWithValue("$updated", now);
        using var delete = connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = "DELETE FROM records WHERE kind = $kind AND key = $key";
        var deleteKind = delete.Parameters.Add("$kind", SqliteType.Text);
        var deleteKey = delete.Parameters.Add("$key", SqliteType.Text);
        var changed = 0;
        foreach (var write in writes)
        {
            if (write.Json is null)
            {
                deleteKind.Value = write.Kind;
                deleteKey.Value = write.Key;
                changed += delete.ExecuteNonQuery();
            }
            else
            {
                putKind.Value = write.Kind;
                putKey.Value = write.Key;
                putValue.Value = write.Json;
                putExpires.Value = write.ExpiresAt is { } e ? e.ToUnixTimeMilliseconds() : DBNull.Value;
                changed += put.ExecuteNonQuery();
            }
        }

        return changed;
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
