using Lantern.Mailboxes;
using Npgsql;

namespace Lantern.Storage.Postgres;

/// <summary>The PostgreSQL store for cluster mode: several nodes share one database with the SQLite schema and upsert semantics.</summary>
/// <remarks>Migrations run under a transaction-scoped advisory lock, so nodes starting together apply each step once.</remarks>
internal sealed class PostgresStore : ILanternStore
{
    /// <summary>The NOTIFY channel announcing committed mailbox changes to the other nodes.</summary>
    public const string Channel = "lantern_mailboxes";

    /// <summary>The NOTIFY channel telling a node that a record it owned moved to another node (see migration 3).</summary>
    public const string RecordsChannel = "lantern_records";

    /// <summary>A node's lease when the configuration sets none: a dead node's phones are taken over within about this long.</summary>
    public static readonly TimeSpan DefaultLeaseTime = TimeSpan.FromSeconds(10);

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;
    private readonly PostgresMailboxRepository _mailboxes;
    private PostgresReplication? _replication;

    /// <summary>How long the schema migrations at start may take when the configuration sets nothing.</summary>
    public static readonly TimeSpan DefaultMigrationTimeout = TimeSpan.FromMinutes(5);

    /// <param name="nodeId">This node's id in the cluster (owner of its records); null for a random one.</param>
    /// <param name="leaseTime">How long this node's lease lasts after each renewal; null for <see cref="DefaultLeaseTime"/>.</param>
    /// <param name="migrationTimeout">Command timeout of the migrations; null for <see cref="DefaultMigrationTimeout"/>.</param>
    /// <param name="time">Clock of the request deadlines (<see cref="OperationDeadline"/>).</param>
    public PostgresStore(string connectionString, ILogger<PostgresStore> logger, string? nodeId = null, TimeSpan? leaseTime = null, TimeSpan? migrationTimeout = null, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        ArgumentNullException.ThrowIfNull(logger);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        Description = $"postgres:{builder.Host}:{builder.Port}/{builder.Database}";
        ConnectionString = connectionString;
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _logger = logger;
        _mailboxes = new PostgresMailboxRepository(this);
        NodeId = string.IsNullOrEmpty(nodeId) ? Guid.NewGuid().ToString("N") : nodeId;
        LeaseTime = leaseTime ?? DefaultLeaseTime;
        RecordStore = new PostgresRecordStore(this);
        MigrationTimeout = migrationTimeout ?? DefaultMigrationTimeout;
        Time = time ?? TimeProvider.System;
        OperationDeadline = builder.CommandTimeout > 0 ? TimeSpan.FromSeconds(builder.CommandTimeout) : Timeout.InfiniteTimeSpan;
    }

    /// <summary>Longest a request waits for one mailbox read or write: the connection string's command timeout
    /// (<c>store.commandTimeoutSeconds</c>).</summary>
    /// <remarks>Npgsql's own timeout is not enough: on a timeout it first sends PostgreSQL a cancel request over a new
    /// connection and waits for that one too, bounded by the connect timeout (twice with <c>SSL Mode=Prefer</c>: the SSL
    /// request, then the close), so a frozen server answered only after three command timeouts.</remarks>
    public TimeSpan OperationDeadline { get; }

    internal TimeProvider Time { get; }

    /// <summary>Command timeout of the schema migrations at start.</summary>
    public TimeSpan MigrationTimeout { get; }

    public string Description { get; }

    /// <summary><paramref name="connectionString"/> with <c>store.commandTimeoutSeconds</c> as the connect and command
    /// timeouts, so a frozen or unreachable database fails a request in seconds instead of Npgsql's 15 s and 30 s.</summary>
    /// <remarks>A timed-out command breaks its connection at once rather than waiting for the server to confirm a
    /// cancel request a frozen server would never answer.</remarks>
    public static string WithTimeouts(string connectionString, int seconds)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Timeout = seconds,
            CommandTimeout = seconds,
            CancellationTimeout = -1,
        };
        return builder.ConnectionString;
    }

    /// <summary>For connections kept outside the pool (the upstream lock).</summary>
    internal string ConnectionString { get; }

    public IMailboxRepository Mailboxes => _mailboxes;

    /// <summary>This node's id: owner of its records, and in NOTIFY payloads, so a node ignores its own changes.</summary>
    public string NodeId { get; }

    public TimeSpan LeaseTime { get; }

    public IRecordStore Records => RecordStore;

    internal PostgresRecordStore RecordStore { get; }

    public int SchemaVersion { get; private set; }

    public bool IsTransientOpenFailure(Exception exception) =>
        exception is NpgsqlException or TimeoutException or IOException or System.Net.Sockets.SocketException;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        // Waiting for another node's migration (the lock) and running a long one both count against the migration
        // timeout, not the command timeout meant for requests.
        var timeout = MigrationTimeout;
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({PostgresMigrations.AdvisoryLockKey})", cancellationToken, timeout).ConfigureAwait(false);
        await ExecAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL)", cancellationToken, timeout).ConfigureAwait(false);
        int current;
        await using (var read = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_version", connection, transaction))
        {
            read.CommandTimeout = Seconds(timeout);
            current = (int)(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        var latest = PostgresMigrations.All[^1].Version;
        if (current > latest)
        {
            throw new InvalidOperationException($"the database schema version {current} is newer than this Lantern understands ({latest})");
        }

        foreach (var migration in PostgresMigrations.All)
        {
            if (migration.Version <= current)
            {
                continue;
            }

            await ExecAsync(connection, transaction, migration.Sql, cancellationToken, timeout).ConfigureAwait(false);
            await using var record = new NpgsqlCommand("INSERT INTO schema_version (version, description, applied_at) VALUES ($1, $2, now())", connection, transaction);
            record.CommandTimeout = Seconds(timeout);
            record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = migration.Version });
            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migration.Description });
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            current = migration.Version;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        SchemaVersion = current;
        StorageLog.StoreOpened(_logger, Description, SchemaVersion);
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 1;
        }
        catch (NpgsqlException ex)
        {
            StorageLog.PingFailed(_logger, Description, ex);
            return false;
        }
    }

    public void StartReplication(IMailboxReplica replica)
    {
        ArgumentNullException.ThrowIfNull(replica);
        if (_replication is not null)
        {
            throw new InvalidOperationException("replication already started");
        }

        _replication = new PostgresReplication(this, _mailboxes, replica, _logger);
        _replication.Start();
    }

    public async ValueTask DisposeAsync()
    {
        if (_replication is not null)
        {
            await _replication.DisposeAsync().ConfigureAwait(false);
        }

        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    internal ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => _dataSource.OpenConnectionAsync(cancellationToken);

    /// <param name="timeout">The command's timeout; null for the connection string's.</param>
    internal static async Task<int> ExecAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        if (timeout is { } t)
        {
            command.CommandTimeout = Seconds(t);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary><see cref="WithinDeadlineAsync(Task, string)"/> for an operation with a result.</summary>
    internal async Task<T> WithinDeadlineAsync<T>(Task<T> operation, string what)
    {
        await WithinDeadlineAsync((Task)operation, what).ConfigureAwait(false);
        return await operation.ConfigureAwait(false);
    }

    /// <summary>Waits for <paramref name="operation"/> at most <see cref="OperationDeadline"/>: past it a
    /// <see cref="TimeoutException"/>, while the operation finishes (and fails) on its own. Only for operations that are
    /// harmless to abandon (reads) or that ask a <see cref="PostgresCommitGate"/> before they commit.</summary>
    internal async Task WithinDeadlineAsync(Task operation, string what)
    {
        if (OperationDeadline == Timeout.InfiniteTimeSpan)
        {
            await operation.ConfigureAwait(false);
            return;
        }

        try
        {
            await operation.WaitAsync(OperationDeadline, Time).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!operation.IsCompleted)
        {
            // Observed here, so its eventual failure is not reported as unobserved.
            _ = operation.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw new TimeoutException($"the store ({Description}) did not answer {what} within {OperationDeadline.TotalSeconds:0.#} s");
        }
    }

    private static int Seconds(TimeSpan timeout) => (int)Math.Clamp(Math.Ceiling(timeout.TotalSeconds), 1, int.MaxValue);
}
