using Lantern.Sip.Messages;
using Microsoft.Extensions.Logging;

namespace Lantern.Sip.Stack;

/// <summary>Log messages of the stack core (event ids 2200-2299).</summary>
internal static partial class SipStackLog
{
    [LoggerMessage(EventId = 2200, Level = LogLevel.Debug, Message = "Dropped a message from {Remote}: {Reason}")]
    public static partial void Dropped(ILogger logger, System.Net.IPEndPoint remote, SipParseErrorReason reason);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "Overloaded: answered 503 ({Count} so far)")]
    public static partial void Overloaded(ILogger logger, long count);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Debug, Message = "Rejected {Method} from {Remote}: {Status} {Reason}")]
    public static partial void Rejected(ILogger logger, string method, System.Net.IPEndPoint remote, int status, string reason);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Error, Message = "The {Method} handler failed")]
    public static partial void HandlerFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 2204, Level = LogLevel.Error, Message = "Processing a received message failed")]
    public static partial void ReceiveFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2205, Level = LogLevel.Debug, Message = "Dropped a stray response {Status} for {Method}")]
    public static partial void StrayResponse(ILogger logger, int status, string method);

    [LoggerMessage(EventId = 2206, Level = LogLevel.Debug, Message = "Closing a stream from {Remote} unanswered: {Error} and no request a response can be built for")]
    public static partial void FramingUnanswered(ILogger logger, System.Net.IPEndPoint remote, SipFramerError error);
}
