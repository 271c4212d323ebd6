using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Lantern.Storage.Sqlite;

/// <summary>The records table's put and delete, prepared once on the writer's connection and bound through SQLite's own API.</summary>
/// <remarks>Microsoft.Data.Sqlite binds each parameter of each execution through a new binder object and a UTF-8 copy of
/// every string; the record writer's batches (three records per subscribe-refresh-unsubscribe cycle) spent about 1 KB per
/// record there. Here the JSON arrives as UTF-8 and is bound as it is, kind and key are encoded into one reused buffer.
/// Used only on the store's writer task.</remarks>
internal sealed class SqliteRecordStatements : IDisposable
{
    private const string PutSql = """
        INSERT INTO records (kind, key, value, expires_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
        ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at, updated_at = excluded.updated_at
        """;

    private const string DeleteSql = "DELETE FROM records WHERE kind = ?1 AND key = ?2";

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _put;
    private readonly sqlite3_stmt _delete;
    private byte[] _text = new byte[4096];

    public SqliteRecordStatements(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Connection = connection;
        _db = connection.Handle ?? throw new InvalidOperationException("the store's connection is not open");
        _put = Prepare(_db, PutSql);
        try
        {
            _delete = Prepare(_db, DeleteSql);
        }
        catch
        {
            _put.Dispose();
            throw;
        }
    }

    /// <summary>The connection the statements belong to.</summary>
    public SqliteConnection Connection { get; }

    /// <summary>Inserts or replaces one record; returns the rows changed.</summary>
    public int Put(in RecordWrite write, long now)
    {
        var kindBytes = Encode(write.Kind, 0);
        var keyBytes = Encode(write.Key, kindBytes);
        var json = write.Utf8Json;
        var valueBytes = 0;
        if (write.Json is { } text)
        {
            valueBytes = Encode(text, kindBytes + keyBytes);
        }

        var span = _text.AsSpan();
        Check(raw.sqlite3_bind_text(_put, 1, span[..kindBytes]));
        Check(raw.sqlite3_bind_text(_put, 2, span.Slice(kindBytes, keyBytes)));
        Check(raw.sqlite3_bind_text(_put, 3, write.Json is null ? json.Span : span.Slice(kindBytes + keyBytes, valueBytes)));
        Check(write.ExpiresAt is { } e ? raw.sqlite3_bind_int64(_put, 4, e.ToUnixTimeMilliseconds()) : raw.sqlite3_bind_null(_put, 4));
        Check(raw.sqlite3_bind_int64(_put, 5, now));
        return Step(_put);
    }

    /// <summary>Deletes one record; returns the rows changed.</summary>
    public int Delete(string kind, string key)
    {
        var kindBytes = Encode(kind, 0);
        var keyBytes = Encode(key, kindBytes);
        var span = _text.AsSpan();
        Check(raw.sqlite3_bind_text(_delete, 1, span[..kindBytes]));
        Check(raw.sqlite3_bind_text(_delete, 2, span.Slice(kindBytes, keyBytes)));
        return Step(_delete);
    }

    public void Dispose()
    {
        _put.Dispose();
        _delete.Dispose();
    }

    private static sqlite3_stmt Prepare(sqlite3 db, string sql)
    {
        var rc = raw.sqlite3_prepare_v2(db, sql, out var statement);
        if (rc != raw.SQLITE_OK)
        {
            statement?.Dispose();
            SqliteException.ThrowExceptionForRC(rc, db);
        }

        return statement ?? throw new InvalidOperationException("SQLite prepared no statement for: " + sql);
    }

    /// <summary>Appends <paramref name="value"/> as UTF-8 at <paramref name="at"/> of the reused buffer; returns its length.</summary>
    private int Encode(string value, int at)
    {
        var needed = at + Encoding.UTF8.GetMaxByteCount(value.Length);
        if (needed > _text.Length)
        {
            Array.Resize(ref _text, Math.Max(needed, 2 * _text.Length));
        }

        return Encoding.UTF8.GetBytes(value, _text.AsSpan(at));
    }

    private int Step(sqlite3_stmt statement)
    {
        try
        {
            var rc = raw.sqlite3_step(statement);
            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }

            return raw.sqlite3_changes(_db);
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
