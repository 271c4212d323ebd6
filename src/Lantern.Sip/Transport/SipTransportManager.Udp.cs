using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace Lantern.Sip.Transport;

/// <summary>UDP: one socket per listener, a few receive loops per socket each with one pooled datagram buffer.</summary>
public sealed partial class SipTransportManager
{
    private const int MaxDatagram = 65_535;

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
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new ListenerBindException("sip udp", new IPEndPoint(listener.Address, listener.Port), ex);
        }

        _udpSockets.Add(socket);
        var local = (IPEndPoint)socket.LocalEndPoint!;
        for (var i = 0; i < Math.Max(1, Options.UdpReceiveLoops); i++)
        {
            _loops.Add(Task.Run(() => UdpReceiveLoopAsync(socket, local)));
        }

        return local;
    }

    /// <summary>The receive buffer size the kernel granted to each UDP socket, in listener order (Linux reports twice the size asked).</summary>
    internal IReadOnlyList<int> UdpReceiveBufferSizes()
    {
        var sizes = new List<int>(_udpSockets.Count);
        foreach (var socket in _udpSockets)
        {
            sizes.Add(socket.ReceiveBufferSize);
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

    private async Task UdpReceiveLoopAsync(Socket socket, IPEndPoint local)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxDatagram);
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
                    length = await socket.ReceiveFromAsync(buffer.AsMemory(0, MaxDatagram), SocketFlags.None, address, token);
                }
                catch (SocketException ex) when (!token.IsCancellationRequested)
                {
                    // ICMP errors from earlier sends and oversized datagrams concern one peer only.
                    TransportLog.UdpReceiveFailed(_logger, ex, local);
                    continue;
                }

                if (length == 0)
                {
                    continue;
                }

                if (lastRemote is null || !address.Equals(lastAddress))
                {
                    lastRemote = (IPEndPoint)template.Create(address);
                    address.Buffer.CopyTo(lastAddress.Buffer);
                    lastAddress.Size = address.Size;
                }

                var remote = lastRemote;
                Deliver(buffer.AsSpan(0, length), new SipSource(SipTransportKind.Udp, remote, local, 0));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException || (ex is SocketException && token.IsCancellationRequested))
        {
            // Stopping.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The UDP listener to send from: of the remote's family, preferring one bound to the interface that routes there
    /// (a socket bound to 127.0.0.1 cannot reach other hosts), then a wildcard one.</summary>
    private Socket? UdpSocketFor(IPEndPoint remote)
    {
        Socket? wildcard = null;
        Socket? any = null;
        var count = 0;
        foreach (var socket in _udpSockets)
        {
            if (socket.AddressFamily != remote.AddressFamily)
            {
                continue;
            }

            count++;
            any ??= socket;
            var bound = ((IPEndPoint)socket.LocalEndPoint!).Address;
            if (bound.Equals(IPAddress.Any) || bound.Equals(IPAddress.IPv6Any))
            {
                wildcard ??= socket;
            }
        }

        if (count <= 1)
        {
            return any;
        }

        var route = RouteTo(remote.Address);
        foreach (var socket in _udpSockets)
        {
            if (socket.AddressFamily == remote.AddressFamily && ((IPEndPoint)socket.LocalEndPoint!).Address.Equals(route))
            {
                return socket;
            }
        }

        return wildcard ?? any;
    }

    private async ValueTask<SipSendResult> SendUdpAsync(ReadOnlyMemory<byte> message, IPEndPoint remote, CancellationToken cancellationToken)
    {
        var socket = UdpSocketFor(remote);
        if (socket is null)
        {
            return SipSendResult.Failed($"No UDP listener for {remote.AddressFamily}");
        }

        try
        {
            await socket.SendToAsync(message, SocketFlags.None, remote, cancellationToken);
            return SipSendResult.Ok(0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return SipSendResult.Failed(ex.Message);
        }
    }
}
