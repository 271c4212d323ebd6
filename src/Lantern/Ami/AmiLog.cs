using System.Net;

namespace Lantern.Ami;

/// <summary>Log messages of the AMI layer (event ids 5000-5099); secrets are never passed in.</summary>
internal static partial class AmiLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "AMI listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, EndPoint endPoint);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Debug, Message = "AMI session {SessionId} opened from {Remote}")]
    public static partial void SessionOpened(ILogger logger, long sessionId, EndPoint? remote);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Debug, Message = "AMI session {SessionId} closed: {Reason}")]
    public static partial void SessionClosed(ILogger logger, long sessionId, string reason);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "AMI session {SessionId}: user {User} logged in from {Remote}")]
    public static partial void LoginSucceeded(ILogger logger, long sessionId, string user, EndPoint? remote);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "AMI session {SessionId}: failed login for user {User} from {Remote}")]
    public static partial void LoginFailed(ILogger logger, long sessionId, string user, EndPoint? remote);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "AMI session {SessionId} dropped: its client does not read (outbound queue of {Limit} packets full)")]
    public static partial void SlowReaderDropped(ILogger logger, long sessionId, int limit);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Information, Message = "AMI session {SessionId} closed after {Seconds} s idle")]
    public static partial void IdleTimeout(ILogger logger, long sessionId, int seconds);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "AMI session {SessionId} from {Remote}: {Problem}; closing")]
    public static partial void ProtocolViolation(ILogger logger, long sessionId, EndPoint? remote, string problem);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Warning, Message = "AMI connection from {Remote} refused: {Reason} ({Suppressed} more refused since the last such line)")]
    public static partial void ConnectionRefused(ILogger logger, EndPoint? remote, string reason, long suppressed);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Warning, Message = "AMI session {SessionId}: user {User} refused, {Limit} sessions open")]
    public static partial void TooManyUserSessions(ILogger logger, long sessionId, string user, int limit);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Warning, Message = "AMI accept failed ({Error}: {Detail}); the listener goes on, backing off while the process is out of descriptors ({Suppressed} more failures since the last such line)")]
    public static partial void AcceptFailed(ILogger logger, System.Net.Sockets.SocketError error, string detail, long suppressed);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Error, Message = "AMI change feed reader failed")]
    public static partial void ChangeFeedFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Error, Message = "AMI session {SessionId}: action {Action} failed")]
    public static partial void ActionFailed(ILogger logger, long sessionId, string action, Exception exception);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Debug, Message = "AMI session {SessionId} connection error")]
    public static partial void ConnectionError(ILogger logger, long sessionId, Exception exception);

    [LoggerMessage(EventId = 5014, Level = LogLevel.Error, Message = "AMI session {SessionId} failed")]
    public static partial void SessionFailed(ILogger logger, long sessionId, Exception exception);

    [LoggerMessage(EventId = 5016, Level = LogLevel.Information, Message = "AMI session {SessionId} from {Remote} closed: no login within {Seconds} s")]
    public static partial void AuthTimeout(ILogger logger, long sessionId, EndPoint? remote, int seconds);
}
