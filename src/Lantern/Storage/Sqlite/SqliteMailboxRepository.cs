using Lantern.Mailboxes;
using Microsoft.Data.Sqlite;

namespace Lantern.Storage.Sqlite;

/// <summary>Mailboxes in the SQLite <c>mailboxes</c> table; writes go through the store's group-committing writer.</summary>
internal sealed class SqliteMailboxRepository : IMailboxRepository
{
    private const string UpsertSql = """
        INSERT INTO mailboxes (id, mailbox, context, voice_counts, fax_counts, pager_counts, multimedia_counts, text_counts,
                               version, source, updated_at, publication_lapsed)
        VALUES ($id, $mailbox, $context, $voice, $fax, $pager, $multimedia, $text, $version, $source, $updated, $lapsed)
        ON CONFLICT (id) DO UPDATE SET
            voice_counts = excluded.voice_counts, fax_counts = excluded.fax_counts, pager_counts = excluded.pager_counts,
            multimedia_counts = excluded.multimedia_counts, text_counts = excluded.text_counts, version = excluded.version,
            source = excluded.source, updated_at = excluded.updated_at, publication_lapsed = excluded.publication_lapsed
        """;

    private const string HistorySql = """
        INSERT INTO mailbox_history (mailbox_id, at, kind, source, actor, old_counts, new_counts, version)
        VALUES ($id, $at, $kind, $source, $actor, $old, $new, $version);
        DELETE FROM mailbox_history WHERE mailbox_id = $id AND seq <= (
            SELECT seq FROM mailbox_history WHERE mailbox_id = $id ORDER BY seq DESC LIMIT 1 OFFSET $keep)
        """;

    private readonly SqliteStore _store;

    // Used only by the writer task, so the prepared commands need no lock.
    private SqliteCommand? _upsert;
    private SqliteCommand? _delete;
    private SqliteCommand? _history;

    public SqliteMailboxRepository(SqliteStore store)
    {
        _store = store;
    }

    public async ValueTask<IReadOnlyList<Mailbox>> LoadAllAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, voice_counts, fax_counts, pager_counts, multimedia_counts, text_counts, version, source, updated_at, publication_lapsed
            FROM mailboxes
            """;
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
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
                reader.GetInt64(9) != 0));
        }

        return result;
    }

    // A single node numbers its SSE changes itself (from its start time, so they grow across restarts): no id is drawn here.
    public async ValueTask<long> UpsertAsync(Mailbox mailbox, MailboxHistoryEntry history, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ArgumentNullException.ThrowIfNull(history);
        await _store.WriteAsync((c, t) => Upsert(c, t, mailbox) + Append(c, t, history), cancellationToken).ConfigureAwait(false);
        return 0;
    }

    public async ValueTask<long> DeleteAsync(MailboxId id, MailboxHistoryEntry history, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(history);
        await _store.WriteAsync((c, t) => Delete(c, t, id) + Append(c, t, history), cancellationToken).ConfigureAwait(false);
        return 0;
    }

    public async ValueTask<IReadOnlyList<MailboxHistoryEntry>> LoadHistoryAsync(MailboxId id, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT at, kind, source, actor, old_counts, new_counts, version FROM mailbox_history
            WHERE mailbox_id = $id ORDER BY seq DESC LIMIT $limit
            """;
        command.Parameters.AddWithValue("$id", id.ToString());
        command.Parameters.AddWithValue("$limit", limit);
        var result = new List<MailboxHistoryEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(MailboxRowFormat.ReadHistoryEntry(id, DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), reader));
        }

        return result;
    }

    public async ValueTask<long> ApplyBatchAsync(IReadOnlyList<Mailbox> upserts, IReadOnlyList<MailboxId> deletes, IReadOnlyList<MailboxHistoryEntry> history, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upserts);
        ArgumentNullException.ThrowIfNull(deletes);
        ArgumentNullException.ThrowIfNull(history);
        await _store.WriteAsync(
            (c, t) =>
            {
                var n = 0;
                foreach (var mailbox in upserts)
                {
                    n += Upsert(c, t, mailbox);
                }

                foreach (var id in deletes)
                {
                    n += Delete(c, t, id);
                }

                foreach (var entry in history)
                {
                    Append(c, t, entry);
                }

                return n;
            },
            cancellationToken).ConfigureAwait(false);
        return 0;
    }

    private int Upsert(SqliteConnection connection, SqliteTransaction transaction, Mailbox mailbox)
    {
        if (_upsert is null)
        {
            _upsert = connection.CreateCommand();
            _upsert.CommandText = UpsertSql;
            foreach (var name in (string[])["$id", "$mailbox", "$context", "$voice", "$fax", "$pager", "$multimedia", "$text", "$version", "$source", "$updated", "$lapsed"])
            {
                _upsert.Parameters.Add(new SqliteParameter { ParameterName = name });
            }
        }

        var p = _upsert.Parameters;
        var counts = mailbox.Counts;
        p[0].Value = mailbox.Id.ToString();
        p[1].Value = mailbox.Id.Mailbox;
        p[2].Value = mailbox.Id.Context;
        p[3].Value = MailboxRowFormat.FormatCounts(counts.Voice);
        p[4].Value = (object?)MailboxRowFormat.FormatCounts(counts.Fax) ?? DBNull.Value;
        p[5].Value = (object?)MailboxRowFormat.FormatCounts(counts.Pager) ?? DBNull.Value;
        p[6].Value = (object?)MailboxRowFormat.FormatCounts(counts.Multimedia) ?? DBNull.Value;
        p[7].Value = (object?)MailboxRowFormat.FormatCounts(counts.Text) ?? DBNull.Value;
        p[8].Value = mailbox.Version;
        p[9].Value = mailbox.Source.ToString();
        p[10].Value = mailbox.UpdatedAt.ToUnixTimeMilliseconds();
        p[11].Value = mailbox.PublicationLapsed ? 1 : 0;
        _upsert.Transaction = transaction;
        return _upsert.ExecuteNonQuery();
    }

    /// <summary>Appends one history row and drops the mailbox's rows beyond the newest <see cref="MailboxHistoryEntry.Limit"/>
    /// (an index range of the mailbox's own rows, so the cost does not grow with the table); returns 0 so counts stay those of mailbox rows.</summary>
    private int Append(SqliteConnection connection, SqliteTransaction transaction, MailboxHistoryEntry entry)
    {
        if (_history is null)
        {
            _history = connection.CreateCommand();
            _history.CommandText = HistorySql;
            foreach (var name in (string[])["$id", "$at", "$kind", "$source", "$actor", "$old", "$new", "$version", "$keep"])
            {
                _history.Parameters.Add(new SqliteParameter { ParameterName = name });
            }
        }

        var p = _history.Parameters;
        p[0].Value = entry.Id.ToString();
        p[1].Value = entry.Time.ToUnixTimeMilliseconds();
        p[2].Value = MailboxRowFormat.FormatKind(entry.Kind);
        p[3].Value = entry.Source.ToString();
        p[4].Value = entry.Actor;
        p[5].Value = (object?)MailboxRowFormat.FormatAll(entry.Old) ?? DBNull.Value;
        p[6].Value = (object?)MailboxRowFormat.FormatAll(entry.New) ?? DBNull.Value;
        p[7].Value = entry.Version;
        p[8].Value = MailboxHistoryEntry.Limit;
        _history.Transaction = transaction;
        _history.ExecuteNonQuery();
        return 0;
    }

    private int Delete(SqliteConnection connection, SqliteTransaction transaction, MailboxId id)
    {
        if (_delete is null)
        {
            _delete = connection.CreateCommand();
            _delete.CommandText = "DELETE FROM mailboxes WHERE id = $id";
            _delete.Parameters.Add(new SqliteParameter { ParameterName = "$id" });
        }

        _delete.Parameters[0].Value = id.ToString();
        _delete.Transaction = transaction;
        return _delete.ExecuteNonQuery();
    }
}
