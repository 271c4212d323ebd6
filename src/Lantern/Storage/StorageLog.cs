namespace Lantern.Storage;

/// <summary>Log messages of the storage layer (event ids 3000-3099).</summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Store {Store} open at schema version {Version}")]
    public static partial void StoreOpened(ILogger logger, string store, int version);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "Store {Store}: commit of {Count} writes failed; nothing of them was written")]
    public static partial void CommitFailed(ILogger logger, string store, int count, Exception exception);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Store {Store} did not answer")]
    public static partial void PingFailed(ILogger logger, string store, Exception exception);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Loaded {Count} mailboxes from {Store}")]
    public static partial void MailboxesLoaded(ILogger logger, int count, string store);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "Store {Store}: write failed")]
    public static partial void WriteFailed(ILogger logger, string store, Exception exception);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Store {Store}: following other nodes' changes failed; retrying and reconciling")]
    public static partial void ReplicationFailed(ILogger logger, string store, Exception exception);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Debug, Message = "Store {Store} still cannot be reached: {Problem}; next attempt after {DelayMs} ms")]
    public static partial void StillUnreachable(ILogger logger, string store, string problem, double delayMs);
}
