using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Lantern.Interop.Tests.Infrastructure;
using Lantern.Interop.Tests.Sip;

namespace Lantern.Interop.Tests.Hosting;

/// <summary>A listener whose port is taken stops the real process with one line naming that listener, and exit code 1.</summary>
public sealed class BindFailureTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("sip udp")]
    [InlineData("sip tcp")]
    [InlineData("sip tls")]
    [InlineData("http")]
    [InlineData("ami")]
    public async Task Serve_PortTaken_NamesTheListener(string listener)
    {
        // The other listeners get ports that were free a moment ago; when a parallel test takes one of them first, the server
        // rightly names that one instead, and the attempt is repeated with new ports.
        for (var attempt = 1; ; attempt++)
        {
            var (exit, error, expected) = await AttemptAsync(listener);
            if (attempt < 3 && exit == 1 && !error.Contains(expected, StringComparison.Ordinal) && error.Contains("address already in use", StringComparison.Ordinal))
            {
                continue;
            }

            Assert.True(error.Contains(expected + "\n", StringComparison.Ordinal), $"expected \"{expected}\" in:\n{error}");
            Assert.Equal(1, exit);
            return;
        }
    }

    private static async Task<(int Exit, string Error, string Expected)> AttemptAsync(string listener)
    {
        var directory = Directory.CreateTempSubdirectory("lantern-interop-bind-").FullName;
        var (certPath, keyPath, certificate) = StreamTransportTests.WriteSelfSignedPem(directory);
        certificate.Dispose();

        // The "other program" holding the port: a bound UDP socket, or a listening TCP socket.
        using var holder = listener == "sip udp"
            ? new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)
            : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        if (holder.SocketType == SocketType.Stream)
        {
            holder.Listen(1);
        }

        var taken = ((IPEndPoint)holder.LocalEndPoint!).Port;
        int Port(string kind) => kind == listener ? taken : FreePorts.NextTcp();
        var sip = listener is "sip udp" or "sip tcp" ? taken : FreePorts.NextUdpAndTcp();
        var config = $$"""
            {
              "sip": { "domain": "127.0.0.1", "listen": [
                { "transport": "udp", "address": "127.0.0.1", "port": {{sip}} },
                { "transport": "tcp", "address": "127.0.0.1", "port": {{sip}} },
                { "transport": "tls", "address": "127.0.0.1", "port": {{Port("sip tls")}}, "certificate": "{{certPath}}", "key": "{{keyPath}}" } ] },
              "store": { "sqlite": "{{Path.Combine(directory, "lantern.db")}}" },
              "http": { "listen": "127.0.0.1:{{Port("http")}}" },
              "ami": { "listen": "127.0.0.1:{{Port("ami")}}" }
            }
            """;
        var file = Path.Combine(directory, "lantern.json");
        await File.WriteAllTextAsync(file, config);

        var (exit, _, error) = await LanternCli.RunAsync(directory, Deadline, "serve", "--config", file);

        var expected = "lantern: cannot start: " + listener + " 127.0.0.1:" + taken.ToString(CultureInfo.InvariantCulture) + ": address already in use";
        return (exit, error, expected);
    }
}
