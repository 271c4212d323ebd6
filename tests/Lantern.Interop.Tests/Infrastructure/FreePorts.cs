using System.Net;
using System.Net.Sockets;

namespace Lantern.Interop.Tests.Infrastructure;

/// <summary>Finds loopback ports free for both UDP and TCP at the moment of asking.</summary>
internal static class FreePorts
{
    public static int NextUdpAndTcp()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)tcp.LocalEndPoint!).Port;
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // Taken for UDP only; try another.
            }
        }

        throw new InvalidOperationException("no free loopback port for UDP and TCP");
    }

    /// <summary>A port free for UDP and TCP whose next port is free for TCP too: baresip (libre) puts SIP over TLS on the
    /// SIP port + 1 and fails to start when that one is taken.</summary>
    public static int NextUdpAndTcpWithNextTcp()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var port = NextUdpAndTcp();
            using var next = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                next.Bind(new IPEndPoint(IPAddress.Loopback, port + 1));
                return port;
            }
            catch (SocketException)
            {
                // The TLS port is taken; try another.
            }
        }

        throw new InvalidOperationException("no free loopback port pair for UDP/TCP and TLS");
    }

    /// <summary>A port free for TCP (and UDP with <paramref name="udpToo"/>) below the kernel's ephemeral range, for a server
    /// that is restarted on the same port: a port from the ephemeral range can be taken by any outgoing connection
    /// (a client, a proxy's upstream) while the server is down, and the restart then fails with "address in use".</summary>
    public static int NextForRestarts(bool udpToo)
    {
        var below = EphemeralLow();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(10_000, below);
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                if (udpToo)
                {
                    udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                }

                return port;
            }
            catch (SocketException)
            {
                // Taken; try another.
            }
        }

        throw new InvalidOperationException("no free loopback port below the ephemeral range");
    }

    private static int EphemeralLow()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            if (int.TryParse(range[0], System.Globalization.CultureInfo.InvariantCulture, out var low) && low > 11_000)
            {
                return low;
            }
        }
        catch (IOException)
        {
            // Not Linux-like; the usual default below.
        }

        return 32_768;
    }

    public static int NextTcp()
    {
        using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)tcp.LocalEndPoint!).Port;
    }
}
