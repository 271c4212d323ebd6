using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Lantern.Interop.Tests.Infrastructure;

namespace Lantern.Interop.Tests.Torture;

/// <summary>One <c>lantern serve</c> for every torture message: UDP and TCP on 127.0.0.1, UDP on ::1 when the host has it,
/// and a 1 s stream message timeout so a stream stalled by a too-large Content-Length closes quickly.</summary>
public sealed partial class TortureServerFixture : IAsyncLifetime
{
    private LanternProcess? _server;

    /// <summary>Whether ::1 can be bound here (RFC 5118 messages go over it).</summary>
    public bool HasIpv6Loopback { get; } = CanBindIpv6Loopback();

    internal LanternProcess Server => _server ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        var ipv6 = HasIpv6Loopback ? """, { "transport": "udp", "address": "::1", "port": {SIP_PORT} }""" : string.Empty;
        var config = $$"""
            {
              "Logging": { "LogLevel": { "Default": "Warning", "Lantern": "Information" } },
              "sip": { "domain": "127.0.0.1", "messageTimeoutSeconds": 1, "listen": [
                { "transport": "udp", "address": "127.0.0.1", "port": {SIP_PORT} },
                { "transport": "tcp", "address": "127.0.0.1", "port": {SIP_PORT} }{{ipv6}} ] },
              "store": { "sqlite": "{DB}" },
              "http": { "listen": "127.0.0.1:{HTTP_PORT}", "users": [ { "name": "admin", "password": "pw" } ] },
              "ami": { "listen": "127.0.0.1:{AMI_PORT}", "users": [ { "name": "admin", "secret": "pw", "write": true } ] }
            }
            """;
        _server = await LanternProcess.StartAsync(config);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>The server's <c>lantern_sip_dropped_total</c>.</summary>
    public async Task<long> DroppedAsync()
    {
        using var http = Server.CreateAdminClient(TimeSpan.FromSeconds(10));
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var m = DroppedLine().Match(metrics);
        return m.Success ? long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex("(?m)^lantern_sip_dropped_total ([0-9]+)")]
    private static partial Regex DroppedLine();

    private static bool CanBindIpv6Loopback()
    {
        if (!Socket.OSSupportsIPv6)
        {
            return false;
        }

        try
        {
            using var s = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
