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
    private ITimer? _authTimer;
    private int _anonymous = 1;
    private readonly TimeSpan _idleTimeout;
    private volatile AmiUser? _user;

    // Holds the per-user slot from the moment it is taken, so a session dying mid-login cannot leak it.
    private AmiUser? _slot;
    private volatile bool _eventsOn = true;
    private volatile bool _outputEnded;
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

        if (ctx.Options.AuthTimeoutSeconds > 0)
        {
            _authTimer = ctx.Time.CreateTimer(
                static s => ((AmiSession)s!).OnAuthTimeout(), this, TimeSpan.FromSeconds(ctx.Options.AuthTimeoutSeconds), Timeout.InfiniteTimeSpan);
        }
    }

    public long Id { get; }

    public EndPoint? Remote { get; }

    /// <summary>The client's address, what per-address limits count.</summary>
    public IPAddress RemoteAddress => (Remote as IPEndPoint)?.Address ?? IPAddress.None;

    /// <summary>The user once logged in.</summary>
    public AmiUser? User => _user;

    /// <summary>Queues a change event when this session is logged in with events on; drops the session when its queue is full.</summary>
    public bool DeliverEvent(byte[] packet)
    {
        if (_user is null || !_eventsOn || _outputEnded || Volatile.Read(ref _closing) != 0)
        {
            return false;
        }

        if (_outbound.Writer.TryWrite(packet))
        {
            return true;
        }

        if (_outputEnded)
        {
            return false;
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
        _outputEnded = true;
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
        catch (Exception ex)
        {
            // A bug must cost this session only, never the server.
            AmiLog.SessionFailed(_ctx.Logger, Id, ex);
            reason = "internal error";
        }

        // Free the user's slot before the client can see the close, so it may log in again at once.
        ReleaseSlot();

        // Graceful ends (Logoff, limit errors) let queued answers reach the client before the socket closes.
        _outputEnded = true;
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

        LeaveAnonymous();
        ReleaseSlot();
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

    private void ReleaseSlot()
    {
        _user = null;
        var slot = Interlocked.Exchange(ref _slot, null);
        if (slot is not null)
        {
            _ctx.Users.Release(slot);
        }
    }

    /// <summary>Called once logged in: the connection no longer counts against <c>authLimit</c> nor <c>authTimeout</c>.</summary>
    private void LeaveAnonymous()
    {
        if (Interlocked.Exchange(ref _anonymous, 0) == 1)
        {
            _ctx.Anonymous.Leave(RemoteAddress);
            Interlocked.Exchange(ref _authTimer, null)?.Dispose();
        }
    }

    private void OnAuthTimeout()
    {
        if (_user is not null || Volatile.Read(ref _anonymous) == 0 || Volatile.Read(ref _closing) != 0)
        {
            return;
        }

        AmiLog.AuthTimeout(_ctx.Logger, Id, Remote, _ctx.Options.AuthTimeoutSeconds);
        _ctx.Metrics.Dropped("auth-timeout");
        Abort("no login in time");
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
