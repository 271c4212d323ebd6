using Npgsql;

namespace Lantern.Storage.Postgres;

/// <summary>The generic record store in the PostgreSQL <c>records</c> table, each record owned by one node (decision 0023).</summary>
internal sealed class PostgresRecordStore : IRecordStore, IRecordOwnership
{
    private const string Upsert = """
        INSERT INTO records (kind, key, value, expires_at, updated_at, owner, claim) VALUES ($1, $2, $3, $4, now(), $5, $6)
        ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at, updated_at = excluded.updated_at, owner = excluded.owner, claim = excluded.claim
        """;

    private const string UpdateOwned = "UPDATE records SET value = $3, expires_at = $4, updated_at = now() WHERE kind = $1 AND key = $2 AND owner = $5";

    private const string DeleteOwned = "DELETE FROM records WHERE kind = $1 AND key = $2 AND (owner = $3 OR owner IS NULL)";

    // Whoever owns the record now (decision 0041); the owner, when another node, hears of it like of a move ("<owner> - …")
    // and forgets its copy without a NOTIFY.
    private const string DeleteClaimed = """
        WITH gone AS (DELETE FROM records WHERE kind = $1 AND key = $2 AND claim = ANY($4) RETURNING owner)
        SELECT pg_notify('lantern_records', gone.owner || ' - ' || $1 || ' ' || $2) FROM gone WHERE gone.owner <> $3
        """;

    // An unsubscribe's delete (decision 0045): the dialog is over whatever any node knew of it; its owner forgets it as above.
    private const string DeleteAny = """
        WITH gone AS (DELETE FROM records WHERE kind = $1 AND key = $2 RETURNING owner)
        SELECT pg_notify('lantern_records', gone.owner || ' - ' || $1 || ' ' || $2) FROM gone WHERE gone.owner <> $3
        """;

    private const string Columns = "kind, key, value, expires_at, claim";

    private readonly PostgresStore _store;
    private bool _leaseCreated;

    public PostgresRecordStore(PostgresStore store)
    {
        _store = store;
    }

    public string NodeId => _store.NodeId;

    public TimeSpan LeaseTime => _store.LeaseTime;

    public Action<string, string>? Released { get; set; }

    public Action? ReleasesMissed { get; set; }

    public ValueTask PutAsync(StoredRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        record.Validate();
        return WriteBatchAsync([new RecordWrite(record.Kind, record.Key, record.Json, record.ExpiresAt) { Claim = record.Claim }], cancellationToken);
    }

    public async ValueTask<bool> DeleteAsync(string kind, string key, CancellationToken cancellationToken)
    {
        StoredRecord.CheckKind(kind);
        StoredRecord.CheckKey(key);
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(DeleteOwned, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = NodeId });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public ValueTask WriteBatchAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken) =>
        WriteBatchAsync(writes, null, cancellationToken);

    public async ValueTask WriteBatchAsync(IReadOnlyList<RecordWrite> writes, bool[]? applied, CancellationToken cancellationToken)
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
            if (write.IsDelete)
            {
                command = new NpgsqlBatchCommand(write.Unconditional ? DeleteAny : write.Claims is null ? DeleteOwned : DeleteClaimed);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = write.Kind });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = write.Key });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = NodeId });
                if (!write.Unconditional && write.Claims is { } claims)
                {
                    command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. claims] });
                }
            }
            else
            {
                command = new NpgsqlBatchCommand(write.OnlyIfOwned ? UpdateOwned : Upsert);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = write.Kind });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = write.Key });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = write.JsonText });
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = Truncate(write.ExpiresAt) });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = NodeId });
                if (!write.OnlyIfOwned)
                {
                    command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = write.Claim });
                }
            }

            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (applied is not null)
        {
            for (var i = 0; i < writes.Count; i++)
            {
                applied[i] = writes[i].IsDelete || !writes[i].OnlyIfOwned || batch.BatchCommands[i].RecordsAffected > 0;
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The records of one kind this node owns: in cluster mode a node loads only its own (issue 11 item 1).</summary>
    public async ValueTask<IReadOnlyList<StoredRecord>> LoadAllAsync(string kind, CancellationToken cancellationToken)
    {
        StoredRecord.CheckKind(kind);
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT " + Columns + " FROM records WHERE kind = $1 AND owner = $2 ORDER BY key COLLATE \"C\"", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = NodeId });
        return await ReadRecordsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("DELETE FROM records WHERE expires_at IS NOT NULL AND expires_at <= $1", connection);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now.ToUniversalTime() });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<bool> RenewLeaseAsync(CancellationToken cancellationToken)
    {
        // The database's clock measures every lease, so clocks that differ between nodes do not matter. The renewal waits
        // for a survivor's takeover that locked this node's row (see TakeOverAsync), and reports whether the lease was
        // still running when it got the row: if not, a survivor may have taken this node's records meanwhile.
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            _leaseCreated
                ? """
                  UPDATE nodes n SET heartbeat_at = clock_timestamp(), lease_expires_at = clock_timestamp() + $2 * interval '1 millisecond'
                  FROM (SELECT lease_expires_at FROM nodes WHERE id = $1) old
                  WHERE n.id = $1
                  RETURNING old.lease_expires_at > clock_timestamp()
                  """
                : """
                  INSERT INTO nodes (id, started_at, heartbeat_at, lease_expires_at) VALUES ($1, now(), now(), now() + $2 * interval '1 millisecond')
                  ON CONFLICT (id) DO UPDATE SET started_at = now(), heartbeat_at = now(), lease_expires_at = excluded.lease_expires_at
                  RETURNING false
                  """,
            connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = NodeId });
        command.Parameters.Add(new NpgsqlParameter<double> { TypedValue = LeaseTime.TotalMilliseconds });
        var held = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        // A row another node removed (it judged this node dead) is created again by the next renewal.
        _leaseCreated = held is not null;
        return held is true;
    }

    public async ValueTask<IReadOnlyList<StoredRecord>> TakeOverAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        // The dead nodes' rows are locked first: a renewal by one of them waits until this commits, so it then sees (and
        // leaves alone) what was taken, and a renewal that came first makes its node live again when the lock re-checks the
        // row. The records' row locks make it atomic between survivors: a second one re-checks the owner, then live.
        await using var command = new NpgsqlCommand(
            """
            WITH dead AS (SELECT n.id FROM nodes n WHERE n.lease_expires_at <= now() AND n.id <> $1 FOR UPDATE)
            UPDATE records r SET owner = $1, updated_at = now()
            WHERE r.owner IS NULL OR r.owner IN (SELECT id FROM dead)
            RETURNING r.kind, r.key, r.value, r.expires_at, r.claim
            """,
            connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = NodeId });
        var taken = await ReadRecordsAsync(command, cancellationToken).ConfigureAwait(false);
        // Dead nodes that own nothing any more are forgotten, so ids that never come back do not pile up.
        await using var forget = new NpgsqlCommand(
            "DELETE FROM nodes n WHERE n.lease_expires_at <= now() - interval '1 minute' AND NOT EXISTS (SELECT 1 FROM records r WHERE r.owner = n.id)",
            connection);
        await forget.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return taken;
    }

    public async ValueTask<StoredRecord?> ClaimAsync(string kind, string key, CancellationToken cancellationToken)
    {
        StoredRecord.CheckKind(kind);
        StoredRecord.CheckKey(key);
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        // A phone's request: a new claim, so a delete the old owner had queued from before it cannot remove the moved dialog.
        await using var command = new NpgsqlCommand("UPDATE records SET owner = $3, claim = $4, updated_at = now() WHERE kind = $1 AND key = $2 RETURNING " + Columns, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = NodeId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = RecordWrite.NewClaim() });
        var claimed = await ReadRecordsAsync(command, cancellationToken).ConfigureAwait(false);
        return claimed.Count > 0 ? claimed[0] : null;
    }

    public async ValueTask<IReadOnlyList<string>> OwnedKeysAsync(string kind, CancellationToken cancellationToken)
    {
        StoredRecord.CheckKind(kind);
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT key FROM records WHERE kind = $1 AND owner = $2", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = NodeId });
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    /// <summary>Handles a <c>lantern_records</c> notification <c>"&lt;old owner&gt; &lt;new owner&gt; &lt;kind&gt; &lt;key&gt;"</c>.</summary>
    internal void OnMoved(string payload)
    {
        var parts = payload.Split(' ', 4);
        if (parts.Length == 4 && parts[0] == NodeId && parts[1] != NodeId)
        {
            Released?.Invoke(parts[2], parts[3]);
        }
    }

    private static async Task<List<StoredRecord>> ReadRecordsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var result = new List<StoredRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            DateTimeOffset? expires = reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3);
            result.Add(new StoredRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), expires) { Claim = reader.GetInt64(4) });
        }

        return result;
    }

    // Whole milliseconds, the precision both stores keep, so a record reads back equal on SQLite and PostgreSQL.
    private static DateTimeOffset? Truncate(DateTimeOffset? value) => value is { } v
        ? new DateTimeOffset(v.UtcTicks - (v.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero)
        : null;
}
