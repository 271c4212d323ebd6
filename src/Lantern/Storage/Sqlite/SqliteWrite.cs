using Microsoft.Data.Sqlite;

namespace Lantern.Storage.Sqlite;

/// <summary>One queued unit of work for the SQLite writer; completes after the transaction holding it commits.</summary>
internal sealed class SqliteWrite
{
    public SqliteWrite(Func<SqliteConnection, SqliteTransaction, int> work)
    {
        Work = work;
    }

    public Func<SqliteConnection, SqliteTransaction, int> Work { get; }

    public TaskCompletionSource<int> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The work's result, held until the commit succeeds.</summary>
    public int Result { get; set; }
}
