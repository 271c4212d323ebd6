using System.Net;
using System.Net.Sockets;

namespace Lantern.Sip.Transport;

/// <summary>Sending and local address selection.</summary>
public sealed partial class SipTransportManager
{
    private readonly Dictionary<IPAddress, IPAddress> _routeCache = [];
    private readonly Lock _routeLock = new();

    public ValueTask<SipSendResult> SendAsync(ReadOnlyMemory<byte> message, SipDestination destination, CancellationToken cancellationToken) =>
        SendAsync(message, destination, default, cancellationToken);

    /// <summary>Sends one message. A UDP request larger than <see cref="SipTransportOptions.MaxUdpRequestBytes"/> goes over TCP
    /// (RFC 3261 §18.1.1), and back to UDP when no TCP connection can be made (then <see cref="SipSendResult.ConnectionId"/> is 0).
    /// "SIP/2.0/UDP" and "SIP/2.0/TCP" have the same length, so the caller can serialize, check <see cref="UsesStreamFor"/>
    /// and patch its Via. Never throws on network errors.</summary>
    public ValueTask<SipSendResult> SendAsync(ReadOnlyMemory<byte> message, SipDestination destination, SipSendOptions options, CancellationToken cancellationToken)
    {
        if (destination.Remote is null)
        {
            return ValueTask.FromResult(SipSendResult.Failed("No destination address"));
        }

        if (Volatile.Read(ref _state) != 1)
        {
            return ValueTask.FromResult(SipSendResult.Failed("Transport not running"));
        }

        if (destination.Remote.Address.IsIPv4MappedToIPv6)
        {
            destination = destination with { Remote = new IPEndPoint(destination.Remote.Address.MapToIPv4(), destination.Remote.Port) };
        }

        if (!UsesStreamFor(message.Length, destination, options) && destination.Transport == SipTransportKind.Udp)
        {
            // Every UDP send completes here, on the caller's thread: no state machine, no task.
            return ValueTask.FromResult(Sent(SendUdp(message.Span, destination.Remote), SipTransportKind.Udp, destination.Remote));
        }

        return SendStreamOrFallBackAsync(message, destination, options, cancellationToken);
    }

    private async ValueTask<SipSendResult> SendStreamOrFallBackAsync(ReadOnlyMemory<byte> message, SipDestination destination, SipSendOptions options, CancellationToken cancellationToken)
    {
        var remote = destination.Remote!;
        var kind = UsesStreamFor(message.Length, destination, options) ? SipTransportKind.Tcp : destination.Transport;
        SipSendResult result;
        try
        {
            result = await SendStreamAsync(message, destination with { Transport = kind }, options.ServerName, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            result = SipSendResult.Failed("Cancelled");
        }

        if (!result.Succeeded && kind != destination.Transport && !cancellationToken.IsCancellationRequested)
        {
            // RFC 3261 §18.1.1: a request moved to TCP for its size is retried over UDP when the connection cannot be made.
            kind = SipTransportKind.Udp;
            result = SendUdp(message.Span, remote);
        }

        return Sent(result, kind, remote);
    }

    private SipSendResult Sent(SipSendResult result, SipTransportKind kind, IPEndPoint remote)
    {
        if (result.Succeeded)
        {
            _metrics.Sent(kind);
        }
        else
        {
            _metrics.SendFailed(kind);
            TransportLog.SendFailed(_logger, kind, remote, result.Error ?? "unknown");
        }

        return result;
    }

    /// <summary>Whether a message for a UDP destination will actually go over TCP.</summary>
    public bool UsesStreamFor(int messageLength, SipDestination destination, SipSendOptions options) =>
        destination.Transport == SipTransportKind.Udp && options.IsRequest && messageLength > Options.MaxUdpRequestBytes;

    private async ValueTask<SipSendResult> SendStreamAsync(ReadOnlyMemory<byte> message, SipDestination destination, string? serverName, CancellationToken cancellationToken)
    {
        var connection = destination.ConnectionId != 0 ? _connections.Get(destination.ConnectionId) : null;
        connection ??= await GetOrConnectAsync(destination.Transport, destination.Remote, serverName, cancellationToken);
        if (connection is null)
        {
            return SipSendResult.Failed($"Cannot connect to {destination.Remote} over {destination.Transport}");
        }

        return await connection.WriteAsync(message, cancellationToken)
            ? SipSendResult.Ok(connection.Id)
            : SipSendResult.Failed($"Connection {connection.Id} to {destination.Remote} failed");
    }

    /// <summary>The address and port to put in Via/Contact for a message to <paramref name="destination"/>: the listener of that
    /// transport and address family, never a wildcard address (resolved to the interface that routes to the destination).
    /// <see cref="SipSource.ConnectionId"/> is the open connection that would be used, else 0.</summary>
    public SipSource LocalFor(SipDestination destination)
    {
        ArgumentNullException.ThrowIfNull(destination.Remote);
        var remote = destination.Remote.Address.IsIPv4MappedToIPv6
            ? new IPEndPoint(destination.Remote.Address.MapToIPv4(), destination.Remote.Port)
            : destination.Remote;
        var family = remote.AddressFamily;
        IPEndPoint? local = null;
        var anyPort = 0;
        var transportPort = 0;
        foreach (var bound in _bound)
        {
            anyPort = anyPort == 0 ? bound.EndPoint.Port : anyPort;
            transportPort = transportPort == 0 && bound.Transport == destination.Transport ? bound.EndPoint.Port : transportPort;
            if (bound.EndPoint.AddressFamily == family && (bound.Transport == destination.Transport || local is null))
            {
                local = bound.EndPoint;
                if (bound.Transport == destination.Transport)
                {
                    break;
                }
            }
        }

        // No listener of that family: the routed address with a listening port beats a wildcard or port 0 in a Via.
        local ??= new IPEndPoint(family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any,
            transportPort != 0 ? transportPort : anyPort);
        if (IsWildcard(local.Address))
        {
            local = new IPEndPoint(RouteTo(remote.Address), local.Port);
        }

        var connection = destination.Transport == SipTransportKind.Udp
            ? null
            : (destination.ConnectionId != 0 ? _connections.Get(destination.ConnectionId) : null) ?? _connections.Find(destination.Transport, remote);
        return new SipSource(destination.Transport, remote, local, connection?.Id ?? 0);
    }

    private static bool IsWildcard(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    /// <summary>The local interface address the OS would use towards <paramref name="remote"/> (a connected UDP socket sends nothing).</summary>
    private IPAddress RouteTo(IPAddress remote)
    {
        lock (_routeLock)
        {
            if (_routeCache.TryGetValue(remote, out var cached))
            {
                return cached;
            }
        }

        IPAddress local;
        try
        {
            using var probe = new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            probe.Connect(new IPEndPoint(remote, 9));
            local = ((IPEndPoint)probe.LocalEndPoint!).Address;
            if (IsWildcard(local))
            {
                local = remote.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback;
            }
        }
        catch (SocketException)
        {
            local = remote.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback;
        }

        lock (_routeLock)
        {
            if (_routeCache.Count >= 1024)
            {
                _routeCache.Clear();
            }

            _routeCache[remote] = local;
        }

        return local;
    }
}
