using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Lantern.Benchmarks.Ami;

/// <summary>A minimal AMI client for load: one request in flight, answers framed by the empty line.</summary>
internal sealed class AmiLoadClient : IAsyncDisposable
{
    private static readonly byte[] PacketEnd = "\r\n\r\n"u8.ToArray();
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;

    private AmiLoadClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = PipeReader.Create(_stream);
    }

    public static async Task<AmiLoadClient> ConnectAsync(IPEndPoint endPoint, string user, string secret, CancellationToken ct)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint, ct);
        var client = new AmiLoadClient(socket);
        await client.ReadLineAsync(ct);
        var login = await client.RequestAsync($"Action: Login\r\nUsername: {user}\r\nSecret: {secret}\r\nEvents: off\r\n\r\n", ct);
        if (!login.Contains("Response: Success", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("login failed: " + login);
        }

        await client.ReadPacketAsync(ct); // FullyBooted
        return client;
    }

    /// <summary>Sends one action and returns the first answer packet.</summary>
    public async Task<string> RequestAsync(string packet, CancellationToken ct)
    {
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(packet), ct);
        return await ReadPacketAsync(ct);
    }

    public async Task<string> ReadPacketAsync(CancellationToken ct)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(ct);
            var buffer = result.Buffer;
            var reader = new SequenceReader<byte>(buffer);
            if (reader.TryReadTo(out ReadOnlySequence<byte> packet, PacketEnd))
            {
                var text = Encoding.ASCII.GetString(packet);
                _reader.AdvanceTo(reader.Position);
                return text;
            }

            if (result.IsCompleted)
            {
                throw new IOException("server closed the connection");
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.CompleteAsync();
        await _stream.DisposeAsync();
        _socket.Dispose();
    }

    private async Task ReadLineAsync(CancellationToken ct)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(ct);
            var reader = new SequenceReader<byte>(result.Buffer);
            if (reader.TryReadTo(out ReadOnlySequence<byte> _, (byte)'\n'))
            {
                _reader.AdvanceTo(reader.Position);
                return;
            }

            if (result.IsCompleted)
            {
                throw new IOException("no banner");
            }

            _reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }
}
