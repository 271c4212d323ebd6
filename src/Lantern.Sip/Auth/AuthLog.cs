using System.Net;
using Microsoft.Extensions.Logging;

namespace Lantern.Sip.Auth;

/// <summary>Log messages of the auth layer (event ids 1300-1399).</summary>
internal static partial class AuthLog
{
    [LoggerMessage(EventId = 1300, Level = LogLevel.Warning, Message = "Address {Address} banned for {BanTime} after {Failures} authentication failures")]
    public static partial void AddressBanned(ILogger logger, IPAddress address, TimeSpan banTime, int failures);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Authentication failure tracking is full ({Capacity} entries); forgetting the oldest")]
    public static partial void TrackerFull(ILogger logger, int capacity);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "User {User} locked for {BanTime} after {Failures} authentication failures (addresses it authenticated from recently are spared)")]
    public static partial void UserLocked(ILogger logger, string user, TimeSpan banTime, int failures);
}
