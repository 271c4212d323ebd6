namespace Lantern.Upstreams;

/// <summary>Log messages of the outbound subscriptions (event ids 6000-6099).</summary>
internal static partial class UpstreamsLog
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Information, Message = "Upstream {Name}: subscribed to {Target}, granted {Expires} s")]
    public static partial void Subscribed(ILogger logger, string name, string target, int expires);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Upstream {Name}: {Error}; retrying in {Delay}")]
    public static partial void Failed(ILogger logger, string name, string error, TimeSpan delay);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Upstream {Name}: subscription terminated by the server ({Reason})")]
    public static partial void Terminated(ILogger logger, string name, string reason);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Debug, Message = "Upstream {Name}: NOTIFY set {Mailbox}")]
    public static partial void Notified(ILogger logger, string name, Lantern.Mailboxes.MailboxId mailbox);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "Upstream {Name}: NOTIFY refused with {Status} {Reason}")]
    public static partial void NotifyRefused(ILogger logger, string name, int status, string reason);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Information, Message = "Upstream {Name}: unsubscribed (Expires: 0 answered {Response})")]
    public static partial void Unsubscribed(ILogger logger, string name, string response);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Information, Message = "Upstream {Name}: the server lost the subscription (481 to a refresh); subscribing anew")]
    public static partial void Resubscribing(ILogger logger, string name);

    [LoggerMessage(EventId = 6007, Level = LogLevel.Error, Message = "Upstream {Name}: unexpected error in the subscriber")]
    public static partial void Crashed(ILogger logger, Exception exception, string name);

    [LoggerMessage(EventId = 6008, Level = LogLevel.Warning, Message = "Upstream configuration {Index} skipped: {Error}")]
    public static partial void InvalidConfiguration(ILogger logger, int index, string error);

    [LoggerMessage(EventId = 6009, Level = LogLevel.Warning, Message = "Upstream {Name}: unsubscribe (Expires: 0) failed: {Response}")]
    public static partial void UnsubscribeFailed(ILogger logger, string name, string response);

    [LoggerMessage(EventId = 6010, Level = LogLevel.Warning, Message = "Upstream {Name}: unsubscribe abandoned: no final response in time; the server's subscription will expire on its own")]
    public static partial void UnsubscribeAbandoned(ILogger logger, string name);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Information, Message = "Upstream {Name}: stopped with no subscription to end")]
    public static partial void NothingToUnsubscribe(ILogger logger, string name);

    [LoggerMessage(EventId = 6012, Level = LogLevel.Information, Message = "Upstream {Name}: registered at {Registrar}, granted {Expires} s")]
    public static partial void Registered(ILogger logger, string name, string registrar, int expires);

    [LoggerMessage(EventId = 6013, Level = LogLevel.Information, Message = "Upstream {Name}: unregistered (Expires: 0 answered {Response})")]
    public static partial void Unregistered(ILogger logger, string name, string response);

    [LoggerMessage(EventId = 6014, Level = LogLevel.Debug, Message = "Upstream {Name}: refreshed, granted {Expires} s")]
    public static partial void Refreshed(ILogger logger, string name, int expires);
}
