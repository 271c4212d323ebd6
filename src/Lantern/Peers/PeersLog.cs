using System.Net;

namespace Lantern.Peers;

/// <summary>Log messages of the peers feature (event ids 6100-6199).</summary>
internal static partial class PeersLog
{
    [LoggerMessage(EventId = 6100, Level = LogLevel.Information, Message = "{Method} from {Source}: no peer matches; answered 403")]
    public static partial void UnknownSource(ILogger logger, string method, IPAddress source);

    [LoggerMessage(EventId = 6101, Level = LogLevel.Debug, Message = "Peer {Name}: {Method} set {Mailbox}")]
    public static partial void Accepted(ILogger logger, string name, string method, Lantern.Mailboxes.MailboxId mailbox);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Information, Message = "Peer {Name}: {Method} refused with {Status} {Reason}")]
    public static partial void Refused(ILogger logger, string name, string method, int status, string reason);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Information, Message = "Peer {Name}: publication {ETag} lapsed; {Mailbox} keeps its counts")]
    public static partial void PublicationLapsed(ILogger logger, string name, string eTag, Lantern.Mailboxes.MailboxId mailbox);

    [LoggerMessage(EventId = 6104, Level = LogLevel.Warning, Message = "Peer {Name}: match entry \"{Entry}\" could not be resolved: {Error}")]
    public static partial void Unresolved(ILogger logger, string name, string entry, string error);

    [LoggerMessage(EventId = 6105, Level = LogLevel.Warning, Message = "Peer configuration {Index} skipped: {Error}")]
    public static partial void InvalidConfiguration(ILogger logger, int index, string error);

    [LoggerMessage(EventId = 6106, Level = LogLevel.Error, Message = "Peer {Name}: unexpected error")]
    public static partial void Crashed(ILogger logger, Exception exception, string name);
}
