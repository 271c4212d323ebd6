using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Lantern.Sip.Transport;

/// <summary>The server side of the RFC 6455 opening handshake for SIP over WebSocket (RFC 7118): strict, bounded in size and time.</summary>
/// <remarks>Only what a SIP client needs is accepted: <c>GET</c> with <c>HTTP/1.1</c>, <c>Upgrade: websocket</c>,
/// <c>Connection: Upgrade</c>, version 13, a 16-byte key, and the subprotocol <c>sip</c> among those offered (RFC 7118 §4:
/// a server that cannot speak SIP must not complete it). An <c>Origin</c> header, which browsers always send, must be one
/// of the allowed origins when a list is configured. Anything else gets an HTTP error naming the problem and the connection closes.</remarks>
internal static class SipWebSocketHandshake
{
    /// <summary>Longest request head accepted; a browser's is well under 2 KiB.</summary>
    public const int MaxRequestBytes = 8 * 1024;

    public const string SubProtocol = "sip";

    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>Reads and answers the handshake; null when it succeeded, else the reason it was refused (already answered).</summary>
    public static async Task<string?> AcceptAsync(Stream stream, IReadOnlyList<string> allowedOrigins, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxRequestBytes);
        try
        {
            return await AcceptAsync(stream, buffer.AsMemory(0, MaxRequestBytes), allowedOrigins, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<string?> AcceptAsync(Stream stream, Memory<byte> buffer, IReadOnlyList<string> allowedOrigins, CancellationToken cancellationToken)
    {
        var length = 0;
        var end = -1;
        while (end < 0)
        {
            if (length == buffer.Length)
            {
                return await RefuseAsync(stream, 431, "Request Header Fields Too Large", "the request head exceeds 8 KiB", cancellationToken);
            }

            var read = await stream.ReadAsync(buffer[length..], cancellationToken);
            if (read == 0)
            {
                return "closed during the handshake";
            }

            var from = Math.Max(0, length - 3);
            length += read;
            var found = buffer.Span[from..length].IndexOf("\r\n\r\n"u8);
            end = found < 0 ? -1 : from + found + 4;
        }

        if (end != length)
        {
            // A client must wait for the 101 before sending frames (RFC 6455 §4.1); bytes after the head are a protocol error.
            return await RefuseAsync(stream, 400, "Bad Request", "data sent before the handshake completed", cancellationToken);
        }

        var problem = Check(Encoding.Latin1.GetString(buffer.Span[..(end - 4)]), allowedOrigins, out var status, out var key);
        if (problem is not null)
        {
            return await RefuseAsync(stream, status, status switch { 403 => "Forbidden", 426 => "Upgrade Required", _ => "Bad Request" }, problem, cancellationToken);
        }

#pragma warning disable CA5350 // RFC 6455 §4.2.2 fixes SHA-1 for Sec-WebSocket-Accept; it proves nothing secret.
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));
#pragma warning restore CA5350
        var response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + accept +
            "\r\nSec-WebSocket-Protocol: " + SubProtocol + "\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(response), cancellationToken);
        await stream.FlushAsync(cancellationToken);
        return null;
    }

    /// <summary>Null when the request head is an acceptable SIP WebSocket upgrade; else the problem and the HTTP status to answer.</summary>
    internal static string? Check(string head, IReadOnlyList<string> allowedOrigins, out int status, out string key)
    {
        status = 400;
        key = string.Empty;
        var lines = head.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3 || requestLine[0] != "GET" || requestLine[2] != "HTTP/1.1")
        {
            return "expected \"GET <path> HTTP/1.1\"";
        }

        string? upgrade = null, connection = null, version = null, protocols = null, origin = null;
        string? webSocketKey = null;
        for (var i = 1; i < lines.Length; i++)
        {
            var colon = lines[i].IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return "malformed header line";
            }

            var name = lines[i][..colon].Trim();
            var value = lines[i][(colon + 1)..].Trim();
            switch (name.ToLowerInvariant())
            {
                case "upgrade": upgrade = value; break;
                case "connection": connection = value; break;
                case "sec-websocket-version": version = value; break;
                case "sec-websocket-key": webSocketKey = value; break;
                case "origin": origin = value; break;

                // Offers may be split across several header lines.
                case "sec-websocket-protocol": protocols = protocols is null ? value : protocols + "," + value; break;
            }
        }

        if (upgrade is null || !upgrade.Equals("websocket", StringComparison.OrdinalIgnoreCase))
        {
            status = 426;
            return "Upgrade: websocket required";
        }

        if (connection is null || !HasToken(connection, "upgrade", StringComparison.OrdinalIgnoreCase))
        {
            return "Connection: Upgrade required";
        }

        if (version != "13")
        {
            status = 426;
            return "Sec-WebSocket-Version 13 required";
        }

        Span<byte> decoded = stackalloc byte[24];
        if (webSocketKey is null || !Convert.TryFromBase64String(webSocketKey, decoded, out var keyLength) || keyLength != 16)
        {
            return "Sec-WebSocket-Key must be 16 bytes in base64";
        }

        if (protocols is null || !HasToken(protocols, SubProtocol, StringComparison.Ordinal))
        {
            return "subprotocol \"sip\" required (Sec-WebSocket-Protocol: sip)";
        }

        if (origin is not null && allowedOrigins.Count > 0 && !Contains(allowedOrigins, origin))
        {
            status = 403;
            return $"origin {origin} not allowed";
        }

        key = webSocketKey;
        return null;
    }

    private static bool HasToken(string list, string token, StringComparison comparison)
    {
        foreach (var part in list.Split(','))
        {
            if (part.Trim().Equals(token, comparison))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Contains(IReadOnlyList<string> origins, string origin)
    {
        for (var i = 0; i < origins.Count; i++)
        {
            if (origins[i].Equals(origin, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<string> RefuseAsync(Stream stream, int status, string reason, string problem, CancellationToken cancellationToken)
    {
        var body = problem + "\n";
        var response = $"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n" +
            (status == 426 ? "Sec-WebSocket-Version: 13\r\n" : string.Empty) + "\r\n" + body;
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(response), cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The refusal is best effort; the connection closes either way.
        }

        return problem;
    }
}
