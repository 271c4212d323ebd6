using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Lantern.Tests.Ami;

/// <summary>A raw AMI client for tests: every read has a deadline.</summary>
internal sealed class AmiTestClient : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly Queue<AmiReply> _overtaken = new();
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;

    private AmiTestClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new StreamReader(_stream, Encoding.UTF8);
    }

    public string Banner { get; private set; } = string.Empty;

    /// <param name="local">The client's own address (another loopback address stands for another host).</param>
    public static async Task<AmiTestClient> ConnectAsync(IPEndPoint endPoint, int? receiveBufferSize = null, IPAddress? local = null)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (local is not null)
        {
            socket.Bind(new IPEndPoint(local, 0));
        }

        if (receiveBufferSize is { } size)
        {
            socket.ReceiveBufferSize = size;
        }

        using var cts = new CancellationTokenSource(Deadline);
        await socket.ConnectAsync(endPoint, cts.Token);
        var client = new AmiTestClient(socket);
        client.Banner = await client._reader.ReadLineAsync(cts.Token) ?? throw new IOException("no banner");
        return client;
    }

    public async Task SendRawAsync(byte[] bytes)
    {
        using var cts = new CancellationTokenSource(Deadline);
        await _stream.WriteAsync(bytes, cts.Token);
    }

    public Task SendRawAsync(string text) => SendRawAsync(Encoding.UTF8.GetBytes(text));

    public Task SendAsync(params string[] lines) => SendRawAsync(string.Concat(lines.Select(l => l + "\r\n")) + "\r\n");

    /// <summary>The next packet: first any MessageWaiting events that overtook an action's response, then the wire.</summary>
    public Task<AmiReply> ReadAsync() => _overtaken.TryDequeue(out var early) ? Task.FromResult(early) : ReadPacketAsync();

    private async Task<AmiReply> ReadPacketAsync()
    {
        using var cts = new CancellationTokenSource(Deadline);
        var fields = new List<KeyValuePair<string, string>>();
        while (true)
        {
            var line = await _reader.ReadLineAsync(cts.Token) ?? throw new IOException("connection closed; got so far: " + fields.Count);
            if (line.Length == 0)
            {
                if (fields.Count == 0)
                {
                    continue;
                }

                return new AmiReply(fields);
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            fields.Add(new(line[..colon], line[(colon + 1)..].Trim()));
        }
    }

    /// <summary>Skips packets until one matches; at most 1000 packets.</summary>
    public async Task<AmiReply> ReadUntilAsync(Func<AmiReply, bool> match)
    {
        for (var i = 0; i < 1000; i++)
        {
            var reply = await ReadAsync();
            if (match(reply))
            {
                return reply;
            }
        }

        throw new InvalidOperationException("no matching packet in 1000");
    }

    /// <summary>True when the server closed the connection (after any remaining packets) within the deadline.</summary>
    public async Task<bool> ClosedAsync()
    {
        using var cts = new CancellationTokenSource(Deadline);
        try
        {
            for (var i = 0; i < 100_000; i++)
            {
                if (await _reader.ReadLineAsync(cts.Token) is null)
                {
                    return true;
                }
            }

            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Sends an action and returns its response. A MessageWaiting (or DeviceStateChange) event published by the action's own commit may
    /// reach the wire first (real clients match responses by ActionID); it is kept for the next <see cref="ReadAsync"/>.</summary>
    public async Task<AmiReply> ActionAsync(params string[] lines)
    {
        await SendAsync(lines);
        for (var i = 0; i < 1000; i++)
        {
            var packet = await ReadPacketAsync();
            if (packet["Response"] is null && packet["Event"] is "MessageWaiting" or "DeviceStateChange")
            {
                _overtaken.Enqueue(packet);
                continue;
            }

            return packet;
        }

        throw new InvalidOperationException("no response in 1000 packets");
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await _stream.DisposeAsync();
    }
}
