namespace Lantern.Phones;

/// <summary>Log messages of the phones layer (event ids 4000-4099).</summary>
internal static partial class PhonesLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Warning, Message = "Subscription table full ({Max}): SUBSCRIBE answered 503")]
    public static partial void SubscriptionTableFull(ILogger logger, int max);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Subscription {CallId} replaced: endpoint {Endpoint} reached its subscription limit")]
    public static partial void SubscriptionReplaced(ILogger logger, string callId, string endpoint);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Debug, Message = "Subscription {CallId} expired")]
    public static partial void SubscriptionExpired(ILogger logger, string callId);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "NOTIFY in subscription {CallId} failed: {Outcome}; subscription ended: {Ended}")]
    public static partial void NotifyFailed(ILogger logger, string callId, NotifyOutcome outcome, bool ended);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Error, Message = "NOTIFY loop of subscription {CallId} failed; subscription removed")]
    public static partial void NotifyLoopFailed(ILogger logger, string callId, Exception exception);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Restored {Restored} subscriptions ({Removed} of removed endpoints ended)")]
    public static partial void SubscriptionsRestored(ILogger logger, int restored, int removed);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "Skipped an unreadable stored {Kind} record")]
    public static partial void StoredRecordSkipped(ILogger logger, string kind);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Error, Message = "Writing {Kind} record {Key} to the store failed; it is not stored")]
    public static partial void StoreWriteFailed(ILogger logger, string kind, string key, Exception exception);

    [LoggerMessage(EventId = 4022, Level = LogLevel.Error, Message = "Committing {Count} subscription/registration records failed; trying again shortly")]
    public static partial void StoreBatchFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 4023, Level = LogLevel.Warning, Message = "The store has not committed within {Seconds} s; answering 503 Retry-After rather than acknowledging what is not stored")]
    public static partial void StoreSlow(ILogger logger, double seconds);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Debug, Message = "Subscription {CallId} ended: mailbox {Mailbox} was deleted (noresource)")]
    public static partial void SubscriptionResourceGone(ILogger logger, string callId, Lantern.Mailboxes.MailboxId mailbox);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Warning, Message = "Registration table full ({Max}): REGISTER answered 503")]
    public static partial void RegistrationTableFull(ILogger logger, int max);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Debug, Message = "Contact {Uri} of endpoint {Endpoint} expired")]
    public static partial void BindingExpired(ILogger logger, string endpoint, string uri);

    [LoggerMessage(EventId = 4020, Level = LogLevel.Information, Message = "Unsolicited NOTIFY to {Uri} of endpoint {Endpoint} failed: {Outcome}")]
    public static partial void UnsolicitedFailed(ILogger logger, string endpoint, string uri, NotifyOutcome outcome);

    [LoggerMessage(EventId = 4021, Level = LogLevel.Error, Message = "Unsolicited NOTIFY loop for {Uri} failed")]
    public static partial void UnsolicitedLoopFailed(ILogger logger, string uri, Exception exception);


    [LoggerMessage(EventId = 4050, Level = LogLevel.Information, Message = "Took over {Count} subscriptions from another node; each gets a NOTIFY in its dialog")]
    public static partial void SubscriptionsAdopted(ILogger logger, int count);

    [LoggerMessage(EventId = 4051, Level = LogLevel.Debug, Message = "Subscription {Key} moved to another node")]
    public static partial void SubscriptionReleased(ILogger logger, string key);

    [LoggerMessage(EventId = 4052, Level = LogLevel.Information, Message = "Took over {Count} registrations from another node")]
    public static partial void BindingsAdopted(ILogger logger, int count);

    [LoggerMessage(EventId = 4053, Level = LogLevel.Warning, Message = "Cluster lease of node {Node} not renewed for {Seconds} s: its phones are left to the other nodes until the store answers again")]
    public static partial void LeaseLost(ILogger logger, string node, double seconds);

    [LoggerMessage(EventId = 4054, Level = LogLevel.Warning, Message = "Cluster lease or takeover of node {Node} failed")]
    public static partial void LeaseFailed(ILogger logger, string node, Exception exception);

    [LoggerMessage(EventId = 4055, Level = LogLevel.Information, Message = "Cluster node {Node} holds its lease ({LeaseMs} ms)")]
    public static partial void LeaseHeld(ILogger logger, string node, double leaseMs);

    [LoggerMessage(EventId = 4056, Level = LogLevel.Error, Message = "Answering a {Method} once its record was stored failed; answered 500")]
    public static partial void AnswerFailed(ILogger logger, string method, Exception exception);
}
