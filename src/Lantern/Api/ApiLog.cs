namespace Lantern.Api;

/// <summary>Source-generated log messages of the HTTP API; never logs credentials.</summary>
internal static partial class ApiLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "HTTP {Method} {Path}: authentication failed from {Remote}")]
    public static partial void AuthenticationFailed(ILogger logger, string method, string path, string? remote);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "HTTP {Method} {Path}: unhandled error")]
    public static partial void Unhandled(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Event stream for {Remote} ended: {Reason}")]
    public static partial void EventStreamEnded(ILogger logger, string? remote, string reason);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Readiness check {Name} failing: {Problem}")]
    public static partial void ReadinessFailing(ILogger logger, string name, string problem);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information, Message = "Readiness check {Name} recovered")]
    public static partial void ReadinessRecovered(ILogger logger, string name);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "HTTP connection from {Remote} refused: {Reason} ({Suppressed} more refused since the last such line)")]
    public static partial void ConnectionRefused(ILogger logger, System.Net.IPAddress remote, string reason, long suppressed);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Event stream for {Remote} closed: {Reason} (the client resumes with Last-Event-ID)")]
    public static partial void EventStreamDropped(ILogger logger, string? remote, string reason);
}
