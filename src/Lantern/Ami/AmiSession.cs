using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Lantern.Ami;

/// <summary>One AMI connection: reads packets in order, answers them, and receives events through a bounded queue.</summary>
internal sealed partial class AmiSession : IDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly AmiSessionContext _ctx;
    private readonly Channel<byte[]> _outbound;
    private readonly CancellationTokenSource _cts;
    private readonly ITimer? _idleTimer;
    private readonly TimeSpan _idleTimeout;
    private volatile AmiUser? _user;
    private volatile bool _eventsOn = true;
    private int _closing;
    private int _loginFailures;
    private string? _abortReason;

    public AmiSession(long id, Socket socket, AmiSessionContext ctx, CancellationToken serverStopping)
    {
        Id = id;
        _socket = socket;
        _ctx = ctx;
        Remote = SafeRemote(socket);
        _stream = new NetworkStream(socket, ownsSocket: true);
        _outbound = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(Math.Max(16, ctx.Options.OutboundQueueLimit))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _cts = CancellationTokenSource.CreateLinkedTokenSource(serverStopping);
        _idleTimeout = TimeSpan.FromSeconds(ctx.Options.IdleTimeoutSeconds);
        if (ctx.Options.IdleTimeoutSeconds > 0)
        {
            _idleTimer = ctx.Time.CreateTimer(static s => ((AmiSession)s!).OnIdle(), this, _idleTimeout, Timeout.InfiniteTimeSpan);
        }
    }

    public long Id { get; }

    public EndPoint? Remote { get; }

    /// <summary>The user once logged in.</summary>
    public AmiUser? User => _user;

    /// <summary>Queues a change event when this session is logged in with events on; drops the session when its queue is full.</summary>
    public bool DeliverEvent(byte[] packet)
    {
        if (_user is null || !_eventsOn || Volatile.Read(ref _closing) != 0)
        {
            return false;
        }

        if (_outbound.Writer.TryWrite(packet))
        {
            return true;
        }

        AmiLog.SlowReaderDropped(_ctx.Logger, Id, _ctx.Options.OutboundQueueLimit);
        _ctx.Metrics.Dropped("slow-reader");
        Abort("outbound queue overflow (client does not read)");
        return false;
    }

    /// <summary>Closes the connection at once, from any thread, without waiting for queued output.</summary>
    public void Abort(string reason)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }

        _abortReason = reason;
        _outbound.Writer.TryComplete();
        _ = _cts.CancelAsync();
        try
        {
            _socket.Dispose();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        Abort("disposed");
        _stream.Dispose();
        _cts.Dispose();
    }

    /// <summary>Runs the session until the client leaves, a limit is hit, or the server stops; never throws.</summary>
    public async Task RunAsync()
    {
        var ct = _cts.Token;
        AmiLog.SessionOpened(_ctx.Logger, Id, Remote);
        _outbound.Writer.TryWrite(AmiMessages.BannerBytes());
        var writer = Task.Run(() => WriteLoopAsync(ct), CancellationToken.None);
        string reason;
        try
        {
            reason = await ReadLoopAsync(ct);
        }
        catch (OperationCanceledException)
        {
            reason = _abortReason ?? "server stopping";
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or ChannelClosedException)
        {
            AmiLog.ConnectionError(_ctx.Logger, Id, ex);
            reason = _abortReason ?? "connection error";
        }

        // Graceful ends (Logoff, limit errors) let queued answers reach the client before the socket closes.
        _outbound.Writer.TryComplete();
        try
        {
            await writer.WaitAsync(TimeSpan.FromSeconds(5), _ctx.Time, CancellationToken.None);
        }
        catch (TimeoutException)
        {
        }

        if (Volatile.Read(ref _closing) == 0)
        {
            await LingerAsync();
        }

        Abort(reason);
        if (_idleTimer is not null)
        {
            await _idleTimer.DisposeAsync();
        }

        var user = _user;
        if (user is not null)
        {
            _user = null;
            _ctx.Users.Release(user);
        }

        AmiLog.SessionClosed(_ctx.Logger, Id, _abortReason ?? reason);
    }

    private async Task<string> ReadLoopAsync(CancellationToken ct)
    {
        var input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, leaveOpen: true));
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(ct);
                var buffer = result.Buffer;
                try
                {
                    while (true)
                    {
                        var status = AmiPacketParser.TryRead(ref buffer, out var packet);
                        if (status == AmiParseStatus.NeedMoreData)
                        {
                            break;
                        }

                        if (status != AmiParseStatus.Packet)
                        {
                            var problem = status == AmiParseStatus.TooLarge
                                ? $"Packet exceeds the limit of {AmiLimits.MaxPacketBytes} bytes"
                                : $"Packet exceeds the limit of {AmiLimits.MaxKeys} keys";
                            AmiLog.ProtocolViolation(_ctx.Logger, Id, Remote, problem);
                            await SendAsync(AmiMessages.Error(null, problem), ct);
                            return problem;
                        }

                        _idleTimer?.Change(_idleTimeout, Timeout.InfiniteTimeSpan);
                        if (!await HandleAsync(packet!, ct))
                        {
                            return "closed by request";
                        }
                    }
                }
                finally
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                }

                if (result.IsCompleted)
                {
                    return "client closed the connection";
                }
            }
        }
        finally
        {
            await input.CompleteAsync();
        }
    }

    private async Task WriteLoopAsync(CancellationToken ct)
    {
        var output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
        var reader = _outbound.Reader;
        try
        {
            while (await reader.WaitToReadAsync(ct))
            {
                while (reader.TryRead(out var packet))
                {
                    output.Write(packet);
                    if (output.UnflushedBytes >= 64 * 1024)
                    {
                        await output.FlushAsync(ct);
                    }
                }

                await output.FlushAsync(ct);
            }

            await output.CompleteAsync();
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            Abort(_abortReason ?? "write failed");
        }
    }

    /// <summary>Queues an answer to this session's own action; waits (stalling only this session) while its queue is full.</summary>
    private ValueTask SendAsync(byte[] packet, CancellationToken ct) => _outbound.Writer.WriteAsync(packet, ct);

    /// <summary>Half-closes and discards what the client still sends, so the last answer is not lost to a reset.</summary>
    private async Task LingerAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2), _ctx.Time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _cts.Token);
            var total = 0;
            while (total < 256 * 1024)
            {
                var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, linked.Token);
                if (n == 0)
                {
                    break;
                }

                total += n;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void OnIdle()
    {
        if (Volatile.Read(ref _closing) != 0)
        {
            return;
        }

        AmiLog.IdleTimeout(_ctx.Logger, Id, _ctx.Options.IdleTimeoutSeconds);
        _ctx.Metrics.Dropped("idle");
        Abort("idle timeout");
    }

    private static EndPoint? SafeRemote(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint;
        }
        catch (SocketException)
        {
            return null;
        }
    }
}
