using Microsoft.Extensions.Logging;

namespace Lantern.Sip.Transactions;

/// <summary>Log messages of the transaction layer (event ids 2100-2199).</summary>
internal static partial class SipTransactionLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Error, Message = "A transaction event failed")]
    public static partial void WorkFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "{Method} to {Destination} failed: {Reason}")]
    public static partial void ClientFailed(ILogger logger, string method, System.Net.IPEndPoint destination, string reason);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Debug, Message = "Sending a response failed: {Error}")]
    public static partial void ResponseSendFailed(ILogger logger, string? error);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "A second final response to {Method} was ignored")]
    public static partial void SecondFinalIgnored(ILogger logger, string method);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "A {Method} request got no final response in time; its transaction was dropped")]
    public static partial void Unanswered(ILogger logger, string method);
}
