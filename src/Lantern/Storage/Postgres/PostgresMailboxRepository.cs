using Lantern.Mailboxes;
using Npgsql;
using NpgsqlTypes;

namespace Lantern.Storage.Postgres;

/// <summary>Mailboxes in the PostgreSQL <c>mailboxes</c> table; a batch is one statement over arrays (one round trip).</summary>
/// <remarks>Cluster safety: an update only applies over the version it was computed from (else <see cref="MailboxConflictException"/>),
/// and every commit sends a NOTIFY naming the changed ids so other nodes reload them. Each commit draws one change id from the
/// <c>mailbox_change_ids</c> sequence in its transaction and carries it in the NOTIFY, so every node publishes the change
/// under the same SSE id (decision 0039).</remarks>
internal sealed class PostgresMailboxRepository : IMailboxRepository
{
    private const string UpsertSql = """
        INSERT INTO mailboxes (id, mailbox, context, voice_counts, fax_counts, pager_counts, multimedia_counts, text_counts,
                               version, source, updated_at, publication_lapsed)
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                             $9::bigint[], $10::text[], $11::timestamptz[], $12::boolean[])
        ON CONFLICT (id) DO UPDATE SET
            voice_counts = excluded.voice_counts, fax_counts = excluded.fax_counts, pager_counts = excluded.pager_counts,
            multimedia_counts = excluded.multimedia_counts, text_counts = excluded.text_counts, version = excluded.version,
            source = excluded.source, updated_at = excluded.updated_at, publication_lapsed = excluded.publication_lapsed
        WHERE mailboxes.version = excluded.version - 1
           OR (mailboxes.version = excluded.version AND mailboxes.publication_lapsed <> excluded.publication_lapsed)
        """;

    private const string SelectSql = """
        SELECT id, voice_counts, fax_counts, pager_counts, multimedia_counts, text_counts, version, source, updated_at, publication_lapsed
        FROM mailboxes
        """;

    private const string HistorySql = """
        INSERT INTO mailbox_history (mailbox_id, at, kind, source, actor, old_counts, new_counts, version)
        SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[])
        """;

    // Per mailbox, the rows older than the newest Limit go: an index range of that mailbox's own rows.
    private const string PruneSql = """
        DELETE FROM mailbox_history h USING (SELECT DISTINCT x FROM unnest($1::text[]) AS x) AS m
        WHERE h.mailbox_id = m.x AND h.seq <= (
            SELECT seq FROM mailbox_history WHERE mailbox_id = m.x ORDER BY seq DESC OFFSET $2 LIMIT 1)
        """;

    /// <summary>The sequence every commit draws its change id from.</summary>
    public const string ChangeIdSequence = "mailbox_change_ids";

    /// <summary>Above this many ids a write sends one "reload everything" notification instead of one per id.</summary>
    private const int MaxNotifiedIds = 32;

    private readonly PostgresStore _store;

    public PostgresMailboxRepository(PostgresStore store)
    {
        _store = store;
    }

    public async ValueTask<IReadOnlyList<Mailbox>> LoadAllAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(SelectSql, connection);
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public bool IsShared => true;

    /// <summary>One stored mailbox, or null; used to follow other nodes' changes and to decide writes on the stored row.</summary>
    public async ValueTask<Mailbox?> LoadOneAsync(MailboxId id, CancellationToken cancellationToken)
    {
        return await _store.WithinDeadlineAsync(LoadOneCoreAsync(id, cancellationToken), "a read").ConfigureAwait(false);
    }

    private async Task<Mailbox?> LoadOneCoreAsync(MailboxId id, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(SelectSql + " WHERE id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id.ToString() });
        var rows = await ReadAsync(command, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async ValueTask<long> LastChangeIdAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT last_value FROM {ChangeIdSequence}", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public ValueTask<long> UpsertAsync(Mailbox mailbox, MailboxHistoryEntry history, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        return ApplyBatchAsync([mailbox], [], [history], cancellationToken);
    }

    public ValueTask<long> DeleteAsync(MailboxId id, MailboxHistoryEntry history, CancellationToken cancellationToken) =>
        ApplyBatchAsync([], [id], [history], cancellationToken);

    public async ValueTask<IReadOnlyList<MailboxHistoryEntry>> LoadHistoryAsync(MailboxId id, int limit, CancellationToken cancellationToken)
    {
        return await _store.WithinDeadlineAsync(LoadHistoryCoreAsync(id, limit, cancellationToken), "a history read").ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<MailboxHistoryEntry>> LoadHistoryCoreAsync(MailboxId id, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "SELECT at, kind, source, actor, old_counts, new_counts, version FROM mailbox_history WHERE mailbox_id = $1 ORDER BY seq DESC LIMIT $2",
            connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id.ToString() });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var result = new List<MailboxHistoryEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(MailboxRowFormat.ReadHistoryEntry(id, reader.GetFieldValue<DateTimeOffset>(0), reader));
        }

        return result;
    }

    public async ValueTask<long> ApplyBatchAsync(IReadOnlyList<Mailbox> upserts, IReadOnlyList<MailboxId> deletes, IReadOnlyList<MailboxHistoryEntry> history, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upserts);
        ArgumentNullException.ThrowIfNull(deletes);
        ArgumentNullException.ThrowIfNull(history);
        var gate = new PostgresCommitGate();
        var write = ApplyBatchCoreAsync(upserts, deletes, history, gate, cancellationToken);
        try
        {
            return await _store.WithinDeadlineAsync(write, "the write").ConfigureAwait(false);
        }
        catch (TimeoutException ex) when (!gate.TryAbandon())
        {
            // COMMIT went out and its answer is overdue: it may still be stored, and only the stored row can tell.
            throw new MailboxCommitUncertainException("the store did not answer the COMMIT in time", gate.ChangeId, ex);
        }
    }

    /// <summary>The write itself; it sends COMMIT only if <paramref name="gate"/> says its caller still waits.</summary>
    private async Task<long> ApplyBatchCoreAsync(
        IReadOnlyList<Mailbox> upserts, IReadOnlyList<MailboxId> deletes, IReadOnlyList<MailboxHistoryEntry> history, PostgresCommitGate gate, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (upserts.Count > 0)
        {
            await using var command = new NpgsqlCommand(UpsertSql, connection, transaction);
            var n = upserts.Count;
            var columns = new (NpgsqlDbType Type, Array Values)[]
            {
                (NpgsqlDbType.Text, new string[n]), (NpgsqlDbType.Text, new string[n]), (NpgsqlDbType.Text, new string[n]),
                (NpgsqlDbType.Text, new string?[n]), (NpgsqlDbType.Text, new string?[n]), (NpgsqlDbType.Text, new string?[n]),
                (NpgsqlDbType.Text, new string?[n]), (NpgsqlDbType.Text, new string?[n]), (NpgsqlDbType.Bigint, new long[n]),
                (NpgsqlDbType.Text, new string[n]), (NpgsqlDbType.TimestampTz, new DateTimeOffset[n]), (NpgsqlDbType.Boolean, new bool[n]),
            };
            for (var i = 0; i < n; i++)
            {
                var m = upserts[i];
                columns[0].Values.SetValue(m.Id.ToString(), i);
                columns[1].Values.SetValue(m.Id.Mailbox, i);
                columns[2].Values.SetValue(m.Id.Context, i);
                columns[3].Values.SetValue(MailboxRowFormat.FormatCounts(m.Counts.Voice), i);
                columns[4].Values.SetValue(MailboxRowFormat.FormatCounts(m.Counts.Fax), i);
                columns[5].Values.SetValue(MailboxRowFormat.FormatCounts(m.Counts.Pager), i);
                columns[6].Values.SetValue(MailboxRowFormat.FormatCounts(m.Counts.Multimedia), i);
                columns[7].Values.SetValue(MailboxRowFormat.FormatCounts(m.Counts.Text), i);
                columns[8].Values.SetValue(m.Version, i);
                columns[9].Values.SetValue(m.Source.ToString(), i);
                columns[10].Values.SetValue(m.UpdatedAt.ToUniversalTime(), i);
                columns[11].Values.SetValue(m.PublicationLapsed, i);
            }

            foreach (var (type, values) in columns)
            {
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | type, Value = values });
            }

            // The guard refuses to overwrite a row another node moved on: nothing is committed then.
            var written = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (written != n)
            {
                throw new MailboxConflictException($"{n - written} of {n} mailboxes were changed by another node meanwhile");
            }
        }

        if (deletes.Count > 0)
        {
            var ids = new string[deletes.Count];
            for (var i = 0; i < ids.Length; i++)
            {
                ids[i] = deletes[i].ToString();
            }

            await using var command = new NpgsqlCommand("DELETE FROM mailboxes WHERE id = ANY($1)", connection, transaction);
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = ids });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var changeId = await NotifyAsync(connection, transaction, upserts, deletes, history, cancellationToken).ConfigureAwait(false);
        gate.ChangeId = changeId;
        if (!gate.TryCommit())
        {
            // Its caller was told that nothing was written: rolling back keeps that true.
            throw new TimeoutException("the write was abandoned before its COMMIT");
        }

        try
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is (NpgsqlException and not PostgresException) or IOException or TimeoutException)
        {
            // A server error answering COMMIT is certain (rolled back). Failures before this point left nothing committed; from here the server may have committed without the
            // reply reaching us, and only the stored row can tell.
            throw new MailboxCommitUncertainException("the connection failed after COMMIT was sent", changeId, ex);
        }

        return changeId;
    }

    // NOTIFY is transactional: other nodes hear of the change only if and when it commits. The change id, the history rows and
    // the NOTIFY travel in one batch, so they cost no extra round trip; the id is drawn after the row locks are taken, so one
    // mailbox's ids follow its commit order.
    private async Task<long> NotifyAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<Mailbox> upserts, IReadOnlyList<MailboxId> deletes,
        IReadOnlyList<MailboxHistoryEntry> history, CancellationToken cancellationToken)
    {
        var total = upserts.Count + deletes.Count;
        if (total == 0 && history.Count == 0)
        {
            return 0;
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        if (total > 0)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT nextval('{ChangeIdSequence}')"));
        }

        if (history.Count > 0)
        {
            AddHistory(batch, history);
        }

        if (total == 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }

        batch.BatchCommands.Add(NotifyCommand(upserts, deletes, total));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var changeId = reader.GetInt64(0);
        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
        {
        }

        return changeId;
    }

    private static void AddHistory(NpgsqlBatch batch, IReadOnlyList<MailboxHistoryEntry> history)
    {
        var n = history.Count;
        var ids = new string[n];
        var at = new DateTimeOffset[n];
        var kinds = new string[n];
        var sources = new string[n];
        var actors = new string[n];
        var olds = new string?[n];
        var news = new string?[n];
        var versions = new long[n];
        for (var i = 0; i < n; i++)
        {
            var h = history[i];
            ids[i] = h.Id.ToString();
            at[i] = h.Time.ToUniversalTime();
            kinds[i] = MailboxRowFormat.FormatKind(h.Kind);
            sources[i] = h.Source.ToString();
            actors[i] = h.Actor;
            olds[i] = MailboxRowFormat.FormatAll(h.Old);
            news[i] = MailboxRowFormat.FormatAll(h.New);
            versions[i] = h.Version;
        }

        var insert = new NpgsqlBatchCommand(HistorySql);
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = ids });
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = at });
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = kinds });
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = sources });
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = actors });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = olds });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = news });
        insert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = versions });
        batch.BatchCommands.Add(insert);

        var prune = new NpgsqlBatchCommand(PruneSql);
        prune.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = ids });
        prune.Parameters.Add(new NpgsqlParameter<int> { TypedValue = MailboxHistoryEntry.Limit });
        batch.BatchCommands.Add(prune);
    }

    private NpgsqlBatchCommand NotifyCommand(IReadOnlyList<Mailbox> upserts, IReadOnlyList<MailboxId> deletes, int total)
    {
        var command = new NpgsqlBatchCommand();
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _store.NodeId });
        if (total > MaxNotifiedIds)
        {
            command.CommandText = $"SELECT pg_notify('{PostgresStore.Channel}', $1 || ' ' || currval('{ChangeIdSequence}') || ' *')";
        }
        else
        {
            var ids = new string[total];
            for (var i = 0; i < upserts.Count; i++)
            {
                ids[i] = upserts[i].Id.ToString();
            }

            for (var i = 0; i < deletes.Count; i++)
            {
                ids[upserts.Count + i] = deletes[i].ToString();
            }

            command.CommandText = $"SELECT pg_notify('{PostgresStore.Channel}', $1 || ' ' || currval('{ChangeIdSequence}') || ' ' || x) FROM unnest($2::text[]) AS x";
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = ids });
        }

        return command;
    }

    private static async Task<List<Mailbox>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var result = new List<Mailbox>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(MailboxRowFormat.ToMailbox(
                reader.GetString(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetInt64(6),
                reader.GetString(7),
                reader.GetFieldValue<DateTimeOffset>(8),
                reader.GetBoolean(9)));
        }

        return result;
    }
}
