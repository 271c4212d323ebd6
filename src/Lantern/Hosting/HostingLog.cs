
namespace Lantern.Hosting;

/// <summary>Log messages of the composition root (event ids 9000-9099).</summary>
internal static partial class HostingLog
{
    /// <summary>Interop tests and operators wait for this line: every listener is bound.</summary>
    [LoggerMessage(EventId = 9000, Level = LogLevel.Information, Message = "Lantern ready: {Listeners}")]
    public static partial void Ready(ILogger logger, string listeners);

    /// <summary>The one line of a node that started while its store could not be reached; <see cref="ReadyAfterStore"/> follows.</summary>
    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "Lantern listening but not ready: the store {Store} cannot be reached ({Problem}); retrying until it can. Listeners: {Listeners}")]
    public static partial void ListeningWithoutStore(ILogger logger, string store, string problem, string listeners);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Information, Message = "Lantern ready: {Listeners} (the store {Store} answered {Seconds:F1} s after the first attempt)")]
    public static partial void ReadyAfterStore(ILogger logger, string listeners, string store, double seconds);

    [LoggerMessage(EventId = 9010, Level = LogLevel.Information, Message = "Configuration reloaded: {Endpoints} endpoints, {Upstreams} upstreams, {Peers} peers")]
    public static partial void Reloaded(ILogger logger, int endpoints, int upstreams, int peers);

    [LoggerMessage(EventId = 9011, Level = LogLevel.Error, Message = "Configuration reload refused, the running configuration stays ({Count} errors): {Errors}")]
    public static partial void ReloadRefused(ILogger logger, int count, string errors);

    [LoggerMessage(EventId = 9012, Level = LogLevel.Error, Message = "Configuration reload failed")]
    public static partial void ReloadFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 9020, Level = LogLevel.Information, Message = "Quiet after a burst: heap compacted from {BeforeMiB} MiB to {AfterMiB} MiB in {Milliseconds} ms")]
    public static partial void HeapTrimmed(ILogger logger, long beforeMiB, long afterMiB, long milliseconds);

    [LoggerMessage(EventId = 9030, Level = LogLevel.Warning, Message = "The open-file limit is {Limit}: connection limits lowered to sip.maxConnections {Sip}, http.maxConnections {Http}, ami.maxConnections {Ami}, keeping {Reserved} descriptors in reserve (raise LimitNOFILE to serve more)")]
    public static partial void ConnectionLimitsLowered(ILogger logger, long limit, int sip, int http, int ami, int reserved);

    [LoggerMessage(EventId = 9031, Level = LogLevel.Warning, Message = "Configuration: {Warning}")]
    public static partial void ConfigurationWarning(ILogger logger, string warning);
}
