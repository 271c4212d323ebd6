using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Lantern.Interop.Tests.Infrastructure.Cluster;

/// <summary>A TCP proxy between one node and PostgreSQL that reads the server's protocol messages, so it can cut a
/// connection exactly when the reply to a COMMIT arrives (the commit happened; the client never learns it) or stop
/// forwarding altogether (a partition).</summary>
internal sealed class PostgresProxy : IAsyncDisposable
{
    private const int SslRequestCode = 80877103;
    private const int GssEncRequestCode = 80877104;
    private static readonly byte[] CommitTag = Encoding.ASCII.GetBytes("COMMIT\0");

    private readonly TcpListener _listener;
    private readonly IPEndPoint _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<int, Pair> _pairs = new();
    private readonly Task _accepting;
    private TaskCompletionSource _flowing = NewOpenGate();
    private TaskCompletionSource<bool>? _dropCommit;
    private int _nextId;

    private PostgresProxy(int serverPort)
    {
        _server = new IPEndPoint(IPAddress.Loopback, serverPort);
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The port nodes connect to instead of PostgreSQL's.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>COMMIT replies cut so far.</summary>
    public int CommitRepliesDropped { get; private set; }

    /// <summary>Connections open through the proxy now.</summary>
    public int OpenConnections => _pairs.Count;

    public static PostgresProxy Start(int serverPort) => new(serverPort);

    /// <summary>An Npgsql connection string to <paramref name="database"/> through this proxy (TLS off so the bytes can be read).</summary>
    public string ConnectionString(string database) =>
        FormattableString.Invariant($"Host=127.0.0.1;Port={Port};Username=lantern;Database={database};SSL Mode=Disable;GSS Encryption Mode=Disable");

    /// <summary>Arms a one-shot fault: the next COMMIT reply from the server is not forwarded, its connection is cut instead.
    /// The task completes when that happened.</summary>
    public Task DropNextCommitReply()
    {
        var armed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _dropCommit, armed);
        return armed.Task;
    }

    /// <summary>Stops forwarding in both directions; connections stay open (as a partition or a hung network path).</summary>
    public void Freeze()
    {
        var gate = Volatile.Read(ref _flowing);
        if (gate.Task.IsCompleted)
        {
            Volatile.Write(ref _flowing, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
    }

    /// <summary>Forwards again what <see cref="Freeze"/> held.</summary>
    public void Thaw() => Volatile.Read(ref _flowing).TrySetResult();

    /// <summary>Cuts every connection now (as a reset partition); new ones are accepted.</summary>
    public void CutAll()
    {
        foreach (var pair in _pairs.Values)
        {
            pair.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Thaw();
        CutAll();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private static TaskCompletionSource NewOpenGate()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        var pair = new Pair(client, server);
        var id = Interlocked.Increment(ref _nextId);
        _pairs[id] = pair;
        try
        {
            await server.ConnectAsync(_server, _stop.Token);
            var encrypted = await StartupAsync(client, server);
            var up = PumpRawAsync(client, server);
            var down = encrypted ? PumpRawAsync(server, client) : PumpServerMessagesAsync(pair);
            await Task.WhenAny(up, down);
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException or OperationCanceledException or EndOfStreamException)
        {
            // The connection ended or was cut.
        }
        finally
        {
            _pairs.TryRemove(id, out _);
            pair.Close();
        }
    }

    // The startup packets have no type byte, and an SSL/GSS request is answered by one bare byte: read them one by one
    // until the real StartupMessage, so that the server's messages after it can be framed.
    private async Task<bool> StartupAsync(Socket client, Socket server)
    {
        var header = new byte[8];
        while (true)
        {
            await ReadExactlyAsync(client, header);
            var length = BinaryPrimitives.ReadInt32BigEndian(header);
            var code = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
            var packet = new byte[length];
            header.CopyTo(packet, 0);
            await ReadExactlyAsync(client, packet.AsMemory(8));
            await server.SendAsync(packet, _stop.Token);
            if (code != SslRequestCode && code != GssEncRequestCode)
            {
                return false;
            }

            var answer = new byte[1];
            await ReadExactlyAsync(server, answer);
            await client.SendAsync(answer, _stop.Token);
            if (answer[0] is (byte)'S' or (byte)'G')
            {
                return true;
            }
        }
    }

    private async Task PumpRawAsync(Socket from, Socket to)
    {
        var buffer = new byte[16384];
        while (true)
        {
            var n = await from.ReceiveAsync(buffer, _stop.Token);
            if (n == 0)
            {
                return;
            }

            await Volatile.Read(ref _flowing).Task.WaitAsync(_stop.Token);
            await to.SendAsync(buffer.AsMemory(0, n), _stop.Token);
        }
    }

    // Backend messages: a type byte, an Int32 length counting itself, the payload.
    private async Task PumpServerMessagesAsync(Pair pair)
    {
        var header = new byte[5];
        while (true)
        {
            await ReadExactlyAsync(pair.Server, header);
            var length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1));
            var message = new byte[1 + length];
            header.CopyTo(message, 0);
            await ReadExactlyAsync(pair.Server, message.AsMemory(5));
            await Volatile.Read(ref _flowing).Task.WaitAsync(_stop.Token);
            if (message[0] == (byte)'C' && message.AsSpan(5).SequenceEqual(CommitTag)
                && Interlocked.Exchange(ref _dropCommit, null) is { } armed)
            {
                CommitRepliesDropped++;
                pair.Close();
                armed.TrySetResult(true);
                return;
            }

            await pair.Client.SendAsync(message, _stop.Token);
        }
    }

    private async Task ReadExactlyAsync(Socket socket, Memory<byte> buffer)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer[read..], _stop.Token);
            if (n == 0)
            {
                throw new EndOfStreamException();
            }

            read += n;
        }
    }

    private sealed class Pair(Socket client, Socket server)
    {
        public Socket Client { get; } = client;

        public Socket Server { get; } = server;

        public void Close()
        {
            Close(Client);
            Close(Server);
        }

        private static void Close(Socket socket)
        {
            try
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }

            socket.Dispose();
        }
    }
}
