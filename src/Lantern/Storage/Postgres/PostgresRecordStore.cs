using Npgsql;

namespace Lantern.Storage.Postgres;

/// <summary>The generic record store in the PostgreSQL <c>records</c> table.</summary>
internal sealed class PostgresRecordStore : IRecordStore
{
    private readonly PostgresStore _store;

    public PostgresRecordStore(PostgresStore store)
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
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("DELETE FROM records WHERE kind = $1 AND key = $2", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async ValueTask WriteBatchAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken)
    {
        if (!RecordWrite.ValidateBatch(writes))
        {
            return;
        }

        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var write in writes)
        {
            NpgsqlBatchCommand command;
            if (write.Json is null)
            {
                command = new NpgsqlBatchCommand("DELETE FROM records WHERE kind = $1 AND key = $2");
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = write.Kind });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = write.Key });
            }
            else
            {
                command = new NpgsqlBatchCommand(
                    """
                    INSERT INTO records (kind, key, value, expires_at, updated_at) VALUES ($1, $2, $3, $4, now())
                    ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at, updated_at = excluded.updated_at
                    """);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = write.Kind });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = write.Key });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = write.Json });
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = Truncate(write.ExpiresAt) });
            }

            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<StoredRecord>> LoadAllAsync(string kind, CancellationToken cancellationToken)
    {
        StoredRecord.CheckKind(kind);
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT key, value, expires_at FROM records WHERE kind = $1 ORDER BY key COLLATE \"C\"", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        var result = new List<StoredRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            DateTimeOffset? expires = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2);
            result.Add(new StoredRecord(kind, reader.GetString(0), reader.GetString(1), expires));
        }

        return result;
    }

    public async ValueTask<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("DELETE FROM records WHERE expires_at IS NOT NULL AND expires_at <= $1", connection);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now.ToUniversalTime() });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // Whole milliseconds, the precision both stores keep, so a record reads back equal on SQLite and PostgreSQL.
    private static DateTimeOffset? Truncate(DateTimeOffset? value) => value is { } v
        ? new DateTimeOffset(v.UtcTicks - (v.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero)
        : null;
}
