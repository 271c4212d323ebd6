using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Lantern.Interop.Tests.Infrastructure;

/// <summary>A raw AMI client for tests: connect from a chosen loopback address, log in, read answers with a deadline.</summary>
internal static class AmiClient
{
    /// <summary>Connects from <paramref name="local"/> and reads the banner line (empty if the server closed at once).</summary>
    public static async Task<NetworkStream> ConnectAsync(IPAddress local, int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(local, 0));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), deadline.Token);
        var stream = new NetworkStream(socket, ownsSocket: true);
        await ReadUntilCountAsync(stream, "\r\n", 1, TimeSpan.FromSeconds(10));
        return stream;
    }

    public static async Task<string> LoginAsync(NetworkStream stream, string user, string secret)
    {
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"Action: Login\r\nUsername: {user}\r\nSecret: {secret}\r\n\r\n"));
        }
        catch (IOException)
        {
            return string.Empty;
        }

        return await ReadUntilCountAsync(stream, "\r\n\r\n", 1, TimeSpan.FromSeconds(10));
    }

    /// <summary>Reads until <paramref name="marker"/> was seen <paramref name="count"/> times, the peer closes, or the deadline.</summary>
    public static async Task<string> ReadUntilCountAsync(NetworkStream stream, string marker, int count, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var text = new StringBuilder();
        var buffer = new byte[1];
        var seen = 0;
        try
        {
            while (seen < count && await stream.ReadAsync(buffer, deadline.Token) == 1)
            {
                text.Append((char)buffer[0]);
                if (text.Length >= marker.Length && text.ToString(text.Length - marker.Length, marker.Length) == marker)
                {
                    seen++;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The caller judges what arrived.
        }

        return text.ToString();
    }
}
