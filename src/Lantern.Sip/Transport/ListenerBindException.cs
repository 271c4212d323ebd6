using System.Net;
using System.Net.Sockets;

namespace Lantern.Sip.Transport;

/// <summary>A listener could not bind; the message names it: <c>sip udp 127.0.0.1:5080: address already in use</c>.</summary>
public sealed class ListenerBindException : InvalidOperationException
{
    public ListenerBindException()
    {
    }

    public ListenerBindException(string message)
        : base(message)
    {
    }

    public ListenerBindException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <param name="listener">What listens, as an admin names it: <c>sip udp</c>, <c>ami</c>, <c>http</c>.</param>
    public ListenerBindException(string listener, IPEndPoint endPoint, SocketException innerException)
        : base(Describe(listener, endPoint?.ToString() ?? string.Empty, innerException), innerException)
    {
    }

    /// <summary>The one wording for every listener kind: <c>{listener} {address:port}: {reason in lower case}</c>.</summary>
    public static string Describe(string listener, string endPoint, Exception? reason)
    {
        // The OS wording (strerror) is what admins search for; only its capital is dropped to read as one sentence.
        var text = reason is null ? "cannot bind" : reason.Message.TrimEnd('.');
        if (text.Length > 0)
        {
            text = char.ToLowerInvariant(text[0]) + text[1..];
        }

        return $"{listener} {endPoint}: {text}";
    }
}
