using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.WebSockets;
using Lantern.Sip.Messages;

namespace Lantern.Sip.Transport;

/// <summary>One TCP, TLS or WebSocket connection: a framed read loop over a pipe (one SIP message per WebSocket message for
/// WS/WSS) and serialized writes.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The stream is disposed by CloseAsync; the lock and token source stay usable by racing writers and hold no unmanaged state.")]
internal sealed class SipConnection
{
    private static readonly ReadOnlyMemory<byte> Pong = "\r\n"u8.ToArray();

    private readonly SipTransportManager _owner;
    private readonly Stream _stream;
    private readonly WebSocket? _webSocket;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _cts = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastActivityTicks;

    // When the message now being received began (or, inbound, when the connection opened and nothing came yet); 0 between messages.
    private long _messageStartedTicks;
    private int _inUse;
    private int _closing;

    public SipConnection(SipTransportManager owner, long id, SipTransportKind kind, Stream stream, IPEndPoint remote, IPEndPoint local, bool inbound, WebSocket? webSocket = null)
    {
        _owner = owner;
        Id = id;
        Kind = kind;
        _stream = stream;
        _webSocket = webSocket;
        Remote = remote;
        Local = local;
        Inbound = inbound;
        Touch();
        if (inbound)
        {
            _messageStartedTicks = _lastActivityTicks;
        }
    }

    public long Id { get; }

    public SipTransportKind Kind { get; }

    public IPEndPoint Remote { get; }

    public IPEndPoint Local { get; }

    public bool Inbound { get; }

    public bool IsOpen => Volatile.Read(ref _closing) == 0;

    public bool InUse => Volatile.Read(ref _inUse) > 0;

    public Task Closed => _closed.Task;

    public DateTimeOffset LastActivity => new(Interlocked.Read(ref _lastActivityTicks), TimeSpan.Zero);

    /// <summary>When the incomplete message being received began; null when none is under way.</summary>
    public DateTimeOffset? MessageStarted => Interlocked.Read(ref _messageStartedTicks) is var ticks and not 0 ? new(ticks, TimeSpan.Zero) : null;

    public SipSource Source => new(Kind, Remote, Local, Id);

    public void SetInUse(bool inUse)
    {
        if (inUse)
        {
            Interlocked.Increment(ref _inUse);
            return;
        }

        int current;
        do
        {
            current = Volatile.Read(ref _inUse);
        }
        while (current > 0 && Interlocked.CompareExchange(ref _inUse, current - 1, current) != current);
    }

    private void Touch() => Interlocked.Exchange(ref _lastActivityTicks, _owner.Time.GetUtcNow().UtcTicks);

    /// <summary>Reads and frames until the peer closes, an error occurs or the connection is closed.</summary>
    public async Task RunAsync()
    {
        if (_webSocket is not null)
        {
            await RunWebSocketAsync(_webSocket);
            return;
        }

        var reason = "peer closed";
        var reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true));
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(_cts.Token);
                var buffer = result.Buffer;
                var pongs = 0;
                var messages = 0;
                SipFramerError error;
                byte[]? errorBytes = null;
                while (true)
                {
                    var status = SipFramer.TryRead(ref buffer, _owner.Options.Limits, out var message, out error);
                    if (status == SipFramerStatus.Message)
                    {
                        messages++;
                        _owner.Deliver(message, Source);
                    }
                    else if (status == SipFramerStatus.Ping)
                    {
                        pongs++;
                    }
                    else
                    {
                        if (status == SipFramerStatus.Error)
                        {
                            errorBytes = message.ToArray();
                        }

                        break;
                    }
                }

                var partial = buffer.Length > 0;
                reader.AdvanceTo(buffer.Start, buffer.End);

                // Only whole messages and pings count as activity: a peer trickling bytes of a message that never ends
                // (slowloris) keeps neither the idle timer nor the message deadline at bay.
                if (messages > 0 || pongs > 0)
                {
                    Touch();
                    Interlocked.Exchange(ref _messageStartedTicks, 0);
                }

                if (partial && Interlocked.Read(ref _messageStartedTicks) == 0)
                {
                    Interlocked.Exchange(ref _messageStartedTicks, _owner.Time.GetUtcNow().UtcTicks);
                }

                if (errorBytes is not null)
                {
                    reason = $"framing error: {error}";
                    await _owner.ReportFramingErrorAsync(this, error, errorBytes);
                    break;
                }

                for (var i = 0; i < pongs; i++)
                {
                    await WriteAsync(Pong, CancellationToken.None);
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            reason = "closed";
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            reason = ex.Message;
        }
        finally
        {
            await reader.CompleteAsync();
            await CloseAsync(reason);
        }
    }

    /// <summary>Receives WebSocket messages until the peer closes: each whole message is one SIP message (RFC 7118 §5), bounded by
    /// the framer's message limit; a message of CRLFs alone is a keep-alive ping answered with CRLF (RFC 5626 §4.4.1, as SIP.js sends).</summary>
    private async Task RunWebSocketAsync(WebSocket webSocket)
    {
        var reason = "peer closed";
        var max = _owner.Options.Limits.MaxMessageBytes;
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length >= max)
                    {
                        reason = "message too big";
                        await webSocket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, "SIP message too big", _cts.Token);
                        break;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(max, length * 2));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var result = await webSocket.ReceiveAsync(buffer.AsMemory(length, Math.Min(buffer.Length, max) - length), _cts.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                length += result.Count;
                if (!result.EndOfMessage)
                {
                    if (Interlocked.Read(ref _messageStartedTicks) == 0)
                    {
                        Interlocked.Exchange(ref _messageStartedTicks, _owner.Time.GetUtcNow().UtcTicks);
                    }

                    continue;
                }

                Touch();
                Interlocked.Exchange(ref _messageStartedTicks, 0);
                var message = buffer.AsSpan(0, length);
                if (message.Trim("\r\n"u8).IsEmpty)
                {
                    await WriteAsync(Pong, CancellationToken.None);
                }
                else
                {
                    _owner.Deliver(message, Source);
                }

                length = 0;
            }
        }
        catch (OperationCanceledException)
        {
            reason = "closed";
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException or InvalidOperationException or WebSocketException)
        {
            reason = ex.Message;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            await CloseAsync(reason);
        }
    }

    private static async Task CloseWebSocketAsync(WebSocket webSocket)
    {
        try
        {
            if (webSocket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await webSocket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or WebSocketException or InvalidOperationException)
        {
            // Best effort: the peer may be gone already.
        }

        webSocket.Dispose();
    }

    /// <summary>Writes one message; writes never interleave. False (and the connection closed) on failure.</summary>
    public async ValueTask<bool> WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (!IsOpen)
        {
            return false;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cts.Token);
        timeout.CancelAfter(_owner.Options.WriteTimeout);
        try
        {
            await _writeLock.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        try
        {
            if (_webSocket is not null)
            {
                // RFC 7118 §5: one SIP message per WebSocket message; text frames, as JsSIP and SIP.js send.
                await _webSocket.SendAsync(data, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
            }
            else
            {
                await _stream.WriteAsync(data, timeout.Token);
                await _stream.FlushAsync(timeout.Token);
            }

            Touch();
            return true;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or System.Net.Sockets.SocketException or InvalidOperationException or NotSupportedException or WebSocketException)
        {
            _ = CloseAsync($"write failed: {ex.Message}");
            return false;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Waits for writes already queued (an error answer) to finish, bounded by <paramref name="timeout"/>.</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        try
        {
            if (await _writeLock.WaitAsync(timeout))
            {
                _writeLock.Release();
            }
        }
        catch (ObjectDisposedException)
        {
            // Already closed: nothing left to drain.
        }
    }

    /// <summary>Closes once; later calls only wait for the first to finish.</summary>
    public async Task CloseAsync(string reason)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            await _closed.Task;
            return;
        }

        try
        {
            await _cts.CancelAsync();
            if (_webSocket is not null)
            {
                await CloseWebSocketAsync(_webSocket);
            }

            await _stream.DisposeAsync();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            // The stream is being torn down anyway.
        }
        finally
        {
            // The token source is not disposed: a racing writer may still link to its token.
            _owner.OnClosed(this, reason);
            _closed.TrySetResult();
        }
    }
}
