
namespace Lantern.Hosting;

/// <summary>Log messages of the composition root (event ids 9000-9099).</summary>
internal static partial class HostingLog
{
    /// <summary>Interop tests and operators wait for this line: every listener is bound.</summary>
    [LoggerMessage(EventId = 9000, Level = LogLevel.Information, Message = "Lantern ready: {Listeners}")]
    public static partial void Ready(ILogger logger, string listeners);
}
