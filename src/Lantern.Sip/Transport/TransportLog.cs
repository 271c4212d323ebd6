using System.Net;
using Lantern.Sip.Messages;
using Microsoft.Extensions.Logging;

namespace Lantern.Sip.Transport;

/// <summary>Log messages of the transport layer (event ids 1200-1299).</summary>
internal static partial class TransportLog
{
    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "SIP listening on {Transport} {EndPoint}")]
    public static partial void Listening(ILogger logger, SipTransportKind transport, IPEndPoint endPoint);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Error, Message = "The message receiver threw on a {Transport} message from {Remote}")]
    public static partial void ReceiverFailed(ILogger logger, Exception exception, SipTransportKind transport, IPEndPoint remote);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "UDP receive on {EndPoint} failed; the listener goes on")]
    public static partial void UdpReceiveFailed(ILogger logger, Exception exception, IPEndPoint endPoint);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Debug, Message = "Connection {ConnectionId} {Transport} {Remote} opened ({Direction})")]
    public static partial void ConnectionOpened(ILogger logger, long connectionId, SipTransportKind transport, IPEndPoint remote, string direction);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Debug, Message = "Connection {ConnectionId} {Remote} closed: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, long connectionId, IPEndPoint remote, string reason);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Information, Message = "Connection {ConnectionId} from {Remote} cannot be framed: {Error}")]
    public static partial void FramingError(ILogger logger, long connectionId, IPEndPoint remote, SipFramerError error);

    [LoggerMessage(EventId = 1206, Level = LogLevel.Warning, Message = "Connection from {Remote} refused: {Reason} ({Suppressed} more refused since the last such line)")]
    public static partial void ConnectionRefused(ILogger logger, IPEndPoint remote, string reason, long suppressed);

    [LoggerMessage(EventId = 1207, Level = LogLevel.Information, Message = "Send over {Transport} to {Remote} failed: {Error}")]
    public static partial void SendFailed(ILogger logger, SipTransportKind transport, IPEndPoint remote, string error);

    [LoggerMessage(EventId = 1208, Level = LogLevel.Warning, Message = "Accept on {EndPoint} failed ({Error}: {Detail}); the listener goes on, backing off while the process is out of descriptors ({Suppressed} more failures since the last such line)")]
    public static partial void AcceptFailed(ILogger logger, IPEndPoint endPoint, System.Net.Sockets.SocketError error, string detail, long suppressed);

    [LoggerMessage(EventId = 1209, Level = LogLevel.Debug, Message = "TLS handshake with {Remote} failed")]
    public static partial void HandshakeFailed(ILogger logger, Exception exception, IPEndPoint remote);

    [LoggerMessage(EventId = 1210, Level = LogLevel.Warning, Message = "The framing error sink threw for connection {ConnectionId}")]
    public static partial void SinkFailed(ILogger logger, Exception exception, long connectionId);

    [LoggerMessage(EventId = 1211, Level = LogLevel.Information, Message = "Connect over {Transport} to {Remote} failed")]
    public static partial void ConnectFailed(ILogger logger, Exception exception, SipTransportKind transport, IPEndPoint remote);

    [LoggerMessage(EventId = 1212, Level = LogLevel.Warning, Message = "UDP {EndPoint}: the kernel granted a {Granted}-byte receive buffer of the {Requested} asked; bursts may be dropped (raise net.core.rmem_max)")]
    public static partial void UdpBufferCapped(ILogger logger, IPEndPoint endPoint, int granted, int requested);

    [LoggerMessage(EventId = 1213, Level = LogLevel.Warning, Message = "Connection {ConnectionId} from {Remote} closed: no whole message within {Seconds} s ({Suppressed} more closed so since the last such line)")]
    public static partial void MessageTimeout(ILogger logger, long connectionId, IPEndPoint remote, int seconds, long suppressed);

    [LoggerMessage(EventId = 1214, Level = LogLevel.Debug, Message = "WebSocket handshake from {Remote} refused: {Reason}")]
    public static partial void WebSocketRefused(ILogger logger, IPEndPoint remote, string reason);
}
