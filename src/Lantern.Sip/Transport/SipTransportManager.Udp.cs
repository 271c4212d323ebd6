using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace Lantern.Sip.Transport;

/// <summary>UDP: one socket per listener, a few receive threads per socket each with one pooled datagram buffer; sends are
/// synchronous on the caller's thread.</summary>
public sealed partial class SipTransportManager
{
    private const int MaxDatagram = 65_535;

    private const int UdpSendTimeoutMs = 100;

    private IPEndPoint StartUdp(SipListenerOptions listener)
    {
        var socket = new Socket(listener.Address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (listener.Address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = false;
            }

            socket.Bind(new IPEndPoint(listener.Address, listener.Port));
            SetUdpBuffers(socket);
            // The socket stays in blocking mode (never an async call on it): a full send buffer would otherwise hold the
            // calling thread (a receive thread, a shard) indefinitely; UDP may lose the datagram, retransmission covers it.
            socket.SendTimeout = UdpSendTimeoutMs;
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new ListenerBindException("sip udp", new IPEndPoint(listener.Address, listener.Port), ex);
        }

        _udpSockets.Add(new UdpSender(socket));
        var local = (IPEndPoint)socket.LocalEndPoint!;
        for (var i = 0; i < Math.Max(1, Options.UdpReceiveLoops); i++)
        {
            var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var thread = new Thread(() => UdpReceiveLoop(socket, local, stopped))
            {
                IsBackground = true,
                Name = "SIP UDP receive",
            };
            _udpThreads.Add(thread);
            _loops.Add(stopped.Task);
            thread.Start();
        }

        return local;
    }

    /// <summary>The UDP receive threads, for tests: each ends when its socket is closed.</summary>
    internal IReadOnlyList<Thread> UdpReceiveThreads => _udpThreads;

    /// <summary>The receive buffer size the kernel granted to each UDP socket, in listener order (Linux reports twice the size asked).</summary>
    internal IReadOnlyList<int> UdpReceiveBufferSizes()
    {
        var sizes = new List<int>(_udpSockets.Count);
        foreach (var udp in _udpSockets)
        {
            sizes.Add(udp.Socket.ReceiveBufferSize);
        }

        return sizes;
    }

    // Bursts arrive faster than a descheduled receive loop drains them; the OS default buffer drops them (see bench/load).
    private void SetUdpBuffers(Socket socket)
    {
        var requested = Options.UdpSocketBufferBytes;
        if (requested <= 0)
        {
            return;
        }

        try
        {
            socket.ReceiveBufferSize = requested;
            socket.SendBufferSize = requested;
        }
        catch (SocketException)
        {
            // Some platforms refuse sizes above their maximum instead of capping: keep what the socket has.
        }

        var granted = socket.ReceiveBufferSize;
        if (granted < requested)
        {
            TransportLog.UdpBufferCapped(_logger, (IPEndPoint)socket.LocalEndPoint!, granted, requested);
        }
    }

    /// <summary>One receive thread: a blocking receive, then the message is handed on inline on this thread (the stack's shard
    /// executor runs it here when the shard is idle). An awaited receive costs two thread wake-ups per datagram on Linux (the
    /// socket engine's epoll thread, then a thread-pool worker); a blocked thread is woken by the kernel itself, once, and
    /// under load finds the next datagram already queued. Closing the socket unblocks it (.NET shuts the socket down).</summary>
    private void UdpReceiveLoop(Socket socket, IPEndPoint local, TaskCompletionSource stopped)
    {
        // One byte more than the largest message taken: a longer datagram fills the buffer (Linux truncates silently), so
        // length > limit says it was too large. No UDP payload exceeds 65,535 bytes, so the buffer never needs to be larger.
        var limit = Math.Min(Options.Limits.MaxMessageBytes, MaxDatagram);
        var buffer = ArrayPool<byte>.Shared.Rent(limit + 1);
        var address = new SocketAddress(local.AddressFamily);
        var template = new IPEndPoint(local.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
        // Datagrams mostly come in runs from the same peer (a proxy, a load generator): reuse its endpoint object.
        var lastAddress = new SocketAddress(local.AddressFamily);
        IPEndPoint? lastRemote = null;
        var token = _stopping.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                int length;
                try
                {
                    length = socket.ReceiveFrom(buffer.AsSpan(0, limit + 1), SocketFlags.None, address);
                }
                catch (SocketException ex) when (ex.SocketErrorCode == SocketError.MessageSize && !token.IsCancellationRequested)
                {
                    // Windows reports a datagram longer than the buffer instead of truncating it.
                    _metrics.Oversized();
                    continue;
                }
                catch (SocketException ex) when (!token.IsCancellationRequested)
                {
                    // ICMP errors from earlier sends (Windows: ConnectionReset) concern one peer only.
                    TransportLog.UdpReceiveFailed(_logger, ex, local);
                    continue;
                }

                if (length == 0)
                {
                    continue;
                }

                if (length > limit)
                {
                    _metrics.Oversized();
                    continue;
                }

                if (lastRemote is null || !address.Equals(lastAddress))
                {
                    lastRemote = (IPEndPoint)template.Create(address);
                    address.Buffer.CopyTo(lastAddress.Buffer);
                    lastAddress.Size = address.Size;
                }

                Deliver(buffer.AsSpan(0, length), new SipSource(SipTransportKind.Udp, lastRemote, local, 0));
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException || (ex is SocketException && token.IsCancellationRequested))
        {
            // Stopping: the socket was closed under the blocked receive.
        }
#pragma warning disable CA1031 // A receive thread must end its task whatever happens, or StopAsync would wait forever.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            TransportLog.UdpReceiveFailed(_logger, ex, local);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            stopped.TrySetResult();
        }
    }

    /// <summary>The UDP listener to send from: of the remote's family, preferring one bound to the interface that routes there
    /// (a socket bound to 127.0.0.1 cannot reach other hosts), then a wildcard one.</summary>
    private UdpSender? UdpSocketFor(IPEndPoint remote)
    {
        UdpSender? wildcard = null;
        UdpSender? any = null;
        var count = 0;
        foreach (var udp in _udpSockets)
        {
            if (udp.Family != remote.AddressFamily)
            {
                continue;
            }

            count++;
            any ??= udp;
            if (IsWildcard(udp.Local.Address))
            {
                wildcard ??= udp;
            }
        }

        if (count <= 1)
        {
            return any;
        }

        var route = RouteTo(remote.Address);
        foreach (var udp in _udpSockets)
        {
            if (udp.Family == remote.AddressFamily && udp.Local.Address.Equals(route))
            {
                return udp;
            }
        }

        return wildcard ?? any;
    }

    /// <summary>A synchronous send on the caller's thread: a UDP send does not wait for the peer, so the async socket
    /// machinery (and the socket engine's non-blocking mode, which would turn the receive threads' blocking receives into
    /// waits on the epoll thread) buys nothing.</summary>
    private SipSendResult SendUdp(ReadOnlySpan<byte> message, IPEndPoint remote)
    {
        var udp = UdpSocketFor(remote);
        if (udp is null)
        {
            return SipSendResult.Failed($"No UDP listener for {remote.AddressFamily}");
        }

        try
        {
            udp.Socket.SendTo(message, SocketFlags.None, udp.AddressOf(remote));
            return SipSendResult.Ok(0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return SipSendResult.Failed(ex.Message);
        }
    }

    /// <summary>A UDP listener's socket, with the last destination's socket address kept: responses and NOTIFYs mostly go to
    /// the same peer in runs (a proxy, a load generator), and serializing an endpoint allocates.</summary>
    private sealed class UdpSender(Socket socket)
    {
        private Target? _last;

        public Socket Socket { get; } = socket;

        public IPEndPoint Local { get; } = (IPEndPoint)socket.LocalEndPoint!;

        public AddressFamily Family => Local.AddressFamily;

        public SocketAddress AddressOf(IPEndPoint remote)
        {
            // Senders on several threads: each reads the one reference and replaces it whole, never mutates a Target.
            var last = Volatile.Read(ref _last);
            if (last is not null && last.Port == remote.Port && last.Address.Equals(remote.Address))
            {
                return last.SocketAddress;
            }

            last = new Target(remote.Address, remote.Port, remote.Serialize());
            Volatile.Write(ref _last, last);
            return last.SocketAddress;
        }

        private sealed record Target(IPAddress Address, int Port, SocketAddress SocketAddress);
    }
}
