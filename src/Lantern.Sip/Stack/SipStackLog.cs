using Microsoft.Extensions.Logging;

namespace Lantern.Sip.Stack;

/// <summary>Log messages of the stack core (event ids 2200-2299).</summary>
internal static partial class SipStackLog
{
    [LoggerMessage(EventId = 2200, Level = LogLevel.Debug, Message = "Dropped {What} from {Remote} unanswered: {Reason} ({Suppressed} more drops left out of the log before this one)")]
    public static partial void Dropped(ILogger logger, string what, System.Net.IPEndPoint remote, string reason, long suppressed);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "Overloaded: answered 503 ({Count} so far)")]
    public static partial void Overloaded(ILogger logger, long count);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Debug, Message = "Rejected {Method} from {Remote}: {Status} {Reason}")]
    public static partial void Rejected(ILogger logger, string method, System.Net.IPEndPoint remote, int status, string reason);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Error, Message = "The {Method} handler failed")]
    public static partial void HandlerFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 2204, Level = LogLevel.Error, Message = "Processing a received message failed")]
    public static partial void ReceiveFailed(ILogger logger, Exception exception);

}
