using System.Globalization;
using System.Threading.Channels;
using Lantern.Mailboxes;
using Microsoft.Data.Sqlite;

namespace Lantern.Storage.Sqlite;

/// <summary>The SQLite store: one file in WAL mode with <c>synchronous=FULL</c>, so an acknowledged write survives a crash.</summary>
/// <remarks>
/// All writes go through one writer task owning one connection (SQLite has a single writer anyway). The writer drains
/// whatever is queued (up to <see cref="MaxGroup"/> units) into one transaction, each unit inside its own savepoint,
/// and commits once: concurrent writers to different mailboxes share one fsync (group commit) while a lone writer
/// pays one fsync per write. A failing unit rolls back only its savepoint. Reads use short-lived separate connections.
/// </remarks>
internal sealed class SqliteStore : ILanternStore
{
    public const int MaxGroup = 256;

    private readonly string _connectionString;
    private readonly ILogger _logger;
    private readonly Channel<SqliteWrite> _queue = Channel.CreateBounded<SqliteWrite>(new BoundedChannelOptions(4096) { SingleReader = true });
    private SqliteConnection? _writer;
    private Task? _writerLoop;

    public SqliteStore(string path, ILogger<SqliteStore> logger, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(logger);
        Path = path;
        _logger = logger;
        Time = time ?? TimeProvider.System;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
        Mailboxes = new SqliteMailboxRepository(this);
        Records = new SqliteRecordStore(this);
    }

    public string Path { get; }

    /// <summary>Clock for the informational <c>applied_at</c>/<c>updated_at</c> columns.</summary>
    internal TimeProvider Time { get; }

    public string Description => "sqlite:" + Path;

    public IMailboxRepository Mailboxes { get; }

    public IRecordStore Records { get; }

    public int SchemaVersion { get; private set; }

    /// <summary>Never: a local file that cannot be opened is a configuration error.</summary>
    public bool IsTransientOpenFailure(Exception exception) => false;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        if (_writer is not null)
        {
            return;
        }

        CreatePrivately(Path);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Exec(connection, null, "PRAGMA journal_mode=WAL;");
            SchemaVersion = Migrate(connection, Time.GetUtcNow().ToUnixTimeMilliseconds());
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _writer = connection;
        _writerLoop = Task.Run(WriterLoopAsync, CancellationToken.None);
        StorageLog.StoreOpened(_logger, Description, SchemaVersion);
    }

    /// <summary>Creates a missing database file 0600 (and its missing directory 0700): the store holds client addresses, and
    /// SQLite would create it 0644. The -wal and -shm files take the database file's mode.</summary>
    private static void CreatePrivately(string path)
    {
        if (OperatingSystem.IsWindows() || path == ":memory:" || path.StartsWith("file:", StringComparison.Ordinal) || File.Exists(path))
        {
            return;
        }

        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        try
        {
            using var created = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        catch (IOException) when (File.Exists(path))
        {
            // Created meanwhile by another opener: SQLite opens it as it is.
        }
    }

    /// <summary>SQLite is one node's store: no other writer to follow.</summary>
    public void StartReplication(IMailboxReplica replica)
    {
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) == 1;
        }
        catch (SqliteException ex)
        {
            StorageLog.PingFailed(_logger, Description, ex);
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_writerLoop is not null)
        {
            await _writerLoop.ConfigureAwait(false);
        }

        if (_writer is not null)
        {
            ((SqliteRecordStore)Records).ReleaseStatements();
            await _writer.DisposeAsync().ConfigureAwait(false);
            _writer = null;
        }
    }

    /// <summary>Queues <paramref name="work"/> for the writer; completes with its result once committed.</summary>
    internal async ValueTask<int> WriteAsync(Func<SqliteConnection, SqliteTransaction, int> work, CancellationToken cancellationToken)
    {
        if (_writer is null)
        {
            throw new InvalidOperationException($"store {Description} is not open; call MigrateAsync first");
        }

        var write = new SqliteWrite(work);
        await _queue.Writer.WriteAsync(write, cancellationToken).ConfigureAwait(false);
        return await write.Done.Task.ConfigureAwait(false);
    }

    /// <summary>A new read connection with the store's pragmas.</summary>
    internal async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            Exec(connection, null, "PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;");
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    internal static int Exec(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    private static int Migrate(SqliteConnection connection, long nowMs)
    {
        Exec(connection, null, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL);");
        using var transaction = connection.BeginTransaction(deferred: false);
        using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        var current = Convert.ToInt32(read.ExecuteScalar(), CultureInfo.InvariantCulture);
        var latest = SqliteMigrations.All[^1].Version;
        if (current > latest)
        {
            throw new InvalidOperationException($"the database schema version {current} is newer than this Lantern understands ({latest})");
        }

        foreach (var migration in SqliteMigrations.All)
        {
            if (migration.Version <= current)
            {
                continue;
            }

            Exec(connection, transaction, migration.Sql);
            using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_version (version, description, applied_at) VALUES ($v, $d, $t)";
            record.Parameters.AddWithValue("$v", migration.Version);
            record.Parameters.AddWithValue("$d", migration.Description);
            record.Parameters.AddWithValue("$t", nowMs);
            record.ExecuteNonQuery();
            current = migration.Version;
        }

        transaction.Commit();
        return current;
    }

    private async Task WriterLoopAsync()
    {
        var group = new List<SqliteWrite>(MaxGroup);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (group.Count < MaxGroup && reader.TryRead(out var write))
            {
                group.Add(write);
            }

            Commit(group);
            group.Clear();
        }
    }

    private void Commit(List<SqliteWrite> group)
    {
        var connection = _writer!;
        var failed = new bool[group.Count];
        try
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            for (var i = 0; i < group.Count; i++)
            {
                var write = group[i];
                var savepoint = group.Count > 1;
                try
                {
                    if (savepoint)
                    {
                        transaction.Save("w");
                    }

                    write.Result = write.Work(connection, transaction);
                    if (savepoint)
                    {
                        transaction.Release("w");
                    }
                }
                catch (Exception ex) when (savepoint)
                {
                    transaction.Rollback("w");
                    transaction.Release("w");
                    failed[i] = true;
                    write.Done.TrySetException(ex);
                }
            }

            transaction.Commit();
        }
        catch (Exception ex)
        {
            StorageLog.CommitFailed(_logger, Description, group.Count, ex);
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Done.TrySetException(ex);
            }

            return;
        }

        for (var i = 0; i < group.Count; i++)
        {
            if (!failed[i])
            {
                group[i].Done.TrySetResult(group[i].Result);
            }
        }
    }
}
