using Lantern.Upstreams;
using Npgsql;

namespace Lantern.Storage.Postgres;

/// <summary>Cluster mode: the node holding a session-level PostgreSQL advisory lock runs the upstreams.</summary>
/// <remarks>The lock lives on a connection of its own that is never returned to the pool; when the node dies or that
/// connection drops, PostgreSQL releases the lock and another node's next attempt takes it.</remarks>
internal sealed class PostgresUpstreamLock : IUpstreamLeadership, IAsyncDisposable
{
    /// <summary>The advisory lock key ("LNTNUPST"), distinct from the migration lock.</summary>
    public const long AdvisoryLockKey = 0x4C4E_544E_5550_5354;

    private readonly string _connectionString;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private NpgsqlConnection? _connection;
    private Task _watch = Task.CompletedTask;

    /// <param name="interval">How often a node tries to take the lock and the holder checks its connection: the failover time.</param>
    public PostgresUpstreamLock(string connectionString, TimeSpan interval, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ToString();
        _interval = interval;
        _time = time;
    }

    /// <summary>Backend process id of the connection holding the lock, or 0; lets tests cut that connection.</summary>
    public int HolderProcessId => _connection?.ProcessID ?? 0;

    public async Task<CancellationToken> AcquireAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        var token = linked.Token;
        await _watch.ConfigureAwait(false);
        while (true)
        {
            token.ThrowIfCancellationRequested();
            var connection = new NpgsqlConnection(_connectionString);
            try
            {
                await connection.OpenAsync(token).ConfigureAwait(false);
                if (await ScalarAsync<bool>(connection, $"SELECT pg_try_advisory_lock({AdvisoryLockKey})", token).ConfigureAwait(false))
                {
                    _connection = connection;
                    var lost = new CancellationTokenSource();
                    _watch = WatchAsync(connection, lost);
                    return lost.Token;
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                // The database is unreachable: nobody can be sure to hold the lock; try again later.
            }

            await connection.DisposeAsync().ConfigureAwait(false);
            await Task.Delay(_interval, _time, token).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _watch.ConfigureAwait(false);
        _stop.Dispose();
    }

    // A holder that cannot reach the database must assume another node took over once its session ended.
    private async Task WatchAsync(NpgsqlConnection connection, CancellationTokenSource lost)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(_interval, _time, _stop.Token).ConfigureAwait(false);
                await ScalarAsync<int>(connection, "SELECT 1", _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or NpgsqlException or IOException or TimeoutException or InvalidOperationException)
        {
        }
        finally
        {
            _connection = null;
            await connection.DisposeAsync().ConfigureAwait(false);
            await lost.CancelAsync().ConfigureAwait(false);
        }
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
