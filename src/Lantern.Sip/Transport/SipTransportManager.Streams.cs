using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Lantern.Sip.Transport;

/// <summary>TCP, TLS, WS and WSS: accept loops, outbound connects (not WS: a WebSocket phone is reached only over its own
/// connection) and the per-connection tasks.</summary>
public sealed partial class SipTransportManager
{
    private readonly Dictionary<Socket, X509Certificate2> _serverCertificates = [];
    private readonly Dictionary<(SipTransportKind, IPEndPoint), Task<SipConnection?>> _pendingConnects = [];
    private readonly Lock _connectLock = new();
    private int _handshakes;

    private IPEndPoint StartStream(SipListenerOptions listener)
    {
        X509Certificate2? certificate = null;
        if (listener.IsSecure)
        {
            certificate = LoadCertificate(listener);
        }

        var socket = new Socket(listener.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (listener.Address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = false;
            }

            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(listener.Address, listener.Port));
            socket.Listen(512);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            certificate?.Dispose();
            throw new ListenerBindException("sip " + listener.Transport.ToString().ToLowerInvariant(), new IPEndPoint(listener.Address, listener.Port), ex);
        }

        _streamSockets.Add(socket);
        if (certificate is not null)
        {
            _serverCertificates[socket] = certificate;
        }

        var local = (IPEndPoint)socket.LocalEndPoint!;
        _loops.Add(Task.Run(() => AcceptLoopAsync(socket, listener, local, certificate)));
        return local;
    }

    private static X509Certificate2 LoadCertificate(SipListenerOptions listener)
    {
        if (listener.CertificatePath is null || listener.KeyPath is null)
        {
            throw new InvalidOperationException($"{listener.Transport.ToString().ToUpperInvariant()} listener {listener.Address}:{listener.Port} needs a certificate and a key PEM file.");
        }

        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(listener.CertificatePath, listener.KeyPath);

            // An ephemeral PEM key is not usable by every TLS backend; a PKCS#12 round trip gives a persisted-style key.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidOperationException($"Cannot load TLS certificate {listener.CertificatePath} / key {listener.KeyPath}: {ex.Message}", ex);
        }
    }

    private async Task AcceptLoopAsync(Socket listener, SipListenerOptions options, IPEndPoint local, X509Certificate2? certificate)
    {
        var kind = options.Transport;
        var token = _stopping.Token;
        var backoff = new AcceptBackoff(Time);
        while (!token.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await listener.AcceptAsync(token);
                backoff.Reset();
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException || token.IsCancellationRequested)
            {
                break;
            }
            catch (SocketException ex)
            {
                _metrics.AcceptFailed(kind);
                if (backoff.Log.TryLog(out var suppressed))
                {
                    TransportLog.AcceptFailed(_logger, local, ex.SocketErrorCode, ex.Message, suppressed);
                }

                if (AcceptBackoff.IsResourceError(ex))
                {
                    await backoff.WaitAsync(token);
                }

                continue;
            }

            _ = Task.Run(() => RunAcceptedAsync(accepted, options, certificate), CancellationToken.None);
        }

        certificate?.Dispose();
    }

    private async Task RunAcceptedAsync(Socket socket, SipListenerOptions options, X509Certificate2? certificate)
    {
        var kind = options.Transport;
        var remote = (IPEndPoint)socket.RemoteEndPoint!;
        var local = (IPEndPoint)socket.LocalEndPoint!;
        socket.NoDelay = true;
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        if (certificate is not null)
        {
            // Handshakes in progress count against the connection limit, so a flood of half-open TLS cannot grow without bound.
            if (Interlocked.Increment(ref _handshakes) + _connections.Count > Options.MaxConnections)
            {
                Interlocked.Decrement(ref _handshakes);
                Refused(kind, remote, "connection limit reached");
                await stream.DisposeAsync();
                return;
            }

            try
            {
                stream = await HandshakeAsServerAsync(stream, remote, certificate);
            }
            finally
            {
                Interlocked.Decrement(ref _handshakes);
            }

            if (stream == Stream.Null)
            {
                return;
            }
        }

        WebSocket? webSocket = null;
        if (kind is SipTransportKind.Ws or SipTransportKind.Wss)
        {
            webSocket = await UpgradeAsync(stream, remote, options);
            if (webSocket is null)
            {
                return;
            }
        }

        var connection = Register(kind, stream, remote, local, inbound: true, webSocket);
        if (connection is not null)
        {
            await connection.RunAsync();
        }
        else
        {
            await stream.DisposeAsync();
        }
    }

    /// <summary>The WebSocket over <paramref name="stream"/> once the opening handshake succeeded within the handshake timeout;
    /// else null, with the refusal answered and the stream disposed. Counts against the connection limit like a TLS handshake.</summary>
    private async Task<WebSocket?> UpgradeAsync(Stream stream, IPEndPoint remote, SipListenerOptions options)
    {
        if (Interlocked.Increment(ref _handshakes) + _connections.Count > Options.MaxConnections)
        {
            Interlocked.Decrement(ref _handshakes);
            Refused(options.Transport, remote, "connection limit reached");
            await stream.DisposeAsync();
            return null;
        }

        string? refused;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(Options.HandshakeTimeout);
        try
        {
            refused = await SipWebSocketHandshake.AcceptAsync(stream, options.AllowedOrigins, timeout.Token);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            refused = ex is OperationCanceledException ? "no handshake within the handshake timeout" : ex.Message;
        }
        finally
        {
            Interlocked.Decrement(ref _handshakes);
        }

        if (refused is not null)
        {
            TransportLog.WebSocketRefused(_logger, remote, refused);
            await stream.DisposeAsync();
            return null;
        }

        // Keep-alive is the client's (WebSocket pings are answered by the framework, CRLF pings by the connection).
        return WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, SubProtocol = SipWebSocketHandshake.SubProtocol, KeepAliveInterval = TimeSpan.Zero });
    }

    /// <summary>The TLS stream, or <see cref="Stream.Null"/> (everything disposed) when the handshake fails.</summary>
    private async Task<Stream> HandshakeAsServerAsync(Stream stream, IPEndPoint remote, X509Certificate2 certificate)
    {
        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(Options.HandshakeTimeout);
        try
        {
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, timeout.Token);
            return ssl;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            TransportLog.HandshakeFailed(_logger, ex, remote);
            await ssl.DisposeAsync();
            return Stream.Null;
        }
    }

    private SipConnection? Register(SipTransportKind kind, Stream stream, IPEndPoint remote, IPEndPoint local, bool inbound, WebSocket? webSocket = null)
    {
        var connection = new SipConnection(this, Interlocked.Increment(ref _nextConnectionId), kind, stream, remote, local, inbound, webSocket);
        var refused = _stopping.IsCancellationRequested ? "transport stopping" : _connections.TryAdd(connection);
        if (refused is not null)
        {
            Refused(kind, remote, refused);
            return null;
        }

        _metrics.Opened(kind);
        TransportLog.ConnectionOpened(_logger, connection.Id, kind, remote, inbound ? "inbound" : "outbound");
        return connection;
    }

    private void Refused(SipTransportKind kind, IPEndPoint remote, string reason)
    {
        _metrics.Refused(kind);
        if (_refusedLog.TryLog(out var suppressed))
        {
            TransportLog.ConnectionRefused(_logger, remote, reason, suppressed);
        }
    }

    /// <summary>An open connection to the target, else one connect shared by concurrent senders.</summary>
    private async Task<SipConnection?> GetOrConnectAsync(SipTransportKind kind, IPEndPoint remote, string? serverName, CancellationToken cancellationToken)
    {
        if (_connections.Find(kind, remote) is { } open)
        {
            return open;
        }

        if (kind is SipTransportKind.Ws or SipTransportKind.Wss)
        {
            // RFC 7118 §5: a WebSocket client is not a server; once its connection is gone nothing can reach it.
            return null;
        }

        Task<SipConnection?> pending;
        lock (_connectLock)
        {
            if (!_pendingConnects.TryGetValue((kind, remote), out pending!) || pending.IsCompleted)
            {
                pending = ConnectAsync(kind, remote, serverName);
                _pendingConnects[(kind, remote)] = pending;
            }
        }

        try
        {
            return await pending.WaitAsync(cancellationToken);
        }
        finally
        {
            if (pending.IsCompleted)
            {
                lock (_connectLock)
                {
                    if (_pendingConnects.TryGetValue((kind, remote), out var current) && current == pending)
                    {
                        _pendingConnects.Remove((kind, remote));
                    }
                }
            }
        }
    }

    private async Task<SipConnection?> ConnectAsync(SipTransportKind kind, IPEndPoint remote, string? serverName)
    {
        await Task.Yield();
        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(Options.ConnectTimeout + (kind == SipTransportKind.Tls ? Options.HandshakeTimeout : TimeSpan.Zero));
        Stream? stream = null;
        try
        {
            await socket.ConnectAsync(remote, timeout.Token);
            var local = (IPEndPoint)socket.LocalEndPoint!;
            stream = new NetworkStream(socket, ownsSocket: true);
            if (kind == SipTransportKind.Tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = serverName ?? remote.Address.ToString(),
                        RemoteCertificateValidationCallback = ValidateServerCertificate,
                    },
                    timeout.Token);
            }

            var connection = Register(kind, stream, remote, local, inbound: false);
            if (connection is null)
            {
                await stream.DisposeAsync();
                return null;
            }

            _ = Task.Run(connection.RunAsync, CancellationToken.None);
            return connection;
        }
        catch (Exception ex) when (ex is SocketException or IOException or AuthenticationException or OperationCanceledException or ObjectDisposedException)
        {
            TransportLog.ConnectFailed(_logger, ex, kind, remote);
            if (stream is not null)
            {
                await stream.DisposeAsync();
            }
            else
            {
                socket.Dispose();
            }

            return null;
        }
    }

    private bool ValidateServerCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None || Options.SkipServerCertificateValidation)
        {
            return true;
        }

        // A pinned certificate is trusted as itself, whatever its chain; the name must still match.
        return Options.TrustedServerCertificate is { } trusted
            && certificate is not null
            && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0
            && CryptographicOperations.FixedTimeEquals(certificate.GetCertHash(HashAlgorithmName.SHA256), trusted.GetCertHash(HashAlgorithmName.SHA256));
    }
}
