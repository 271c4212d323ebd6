using Lantern.Mailboxes;

namespace Lantern.Storage;

/// <summary>One durable store (SQLite or PostgreSQL): schema migrations, the mailbox repository and the record store.</summary>
internal interface ILanternStore : IAsyncDisposable
{
    /// <summary>What the store is, for logs (never a password).</summary>
    string Description { get; }

    IMailboxRepository Mailboxes { get; }

    IRecordStore Records { get; }

    /// <summary>Opens the store and applies pending schema migrations; call once before anything else.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>True when <paramref name="exception"/>, thrown by <see cref="MigrateAsync"/>, means the store cannot be reached
    /// for now (a database that is down: retry) rather than that it is misconfigured (a file that cannot be opened: stop).</summary>
    bool IsTransientOpenFailure(Exception exception);

    /// <summary>The schema version after <see cref="MigrateAsync"/>.</summary>
    int SchemaVersion { get; }

    /// <summary>Starts following changes other nodes commit (PostgreSQL: LISTEN/NOTIFY); a no-op for a single-node store.
    /// Call after the replica loaded its state; stops when the store is disposed.</summary>
    void StartReplication(IMailboxReplica replica);

    /// <summary>True when the store answers a trivial query (for <c>/readyz</c>).</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);
}
