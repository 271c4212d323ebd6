using System.Net;
using System.Net.Sockets;
using System.Text;
using Lantern.Interop.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Lantern.Interop.Tests.Hosting;

/// <summary>Issue 10 item 1: idle connections to the REST port from one address, more than the process has descriptors, must not
/// crash the server nor flood its log; SIP over UDP and TCP and a REST read from another address keep being served.</summary>
[Collection(AttackTestGroup.Name)]
public sealed class DescriptorExhaustionTests
{
    private const int DescriptorLimit = 2000;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private static readonly IPAddress Attacker = IPAddress.Parse("127.0.0.2");

    private readonly ITestOutputHelper _output;

    public DescriptorExhaustionTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task IdleHttpFlood_BeyondTheDescriptorLimit_ServerStaysUpAndServes()
    {
        await using var server = await LanternProcess.StartAsync(TestConfigs.Minimal, descriptorLimit: DescriptorLimit);
        var (rssBefore, cpuBefore) = ProcessUsage.Read(server.ProcessId);
        var linesBefore = server.OutputLineCount;
        var attack = await OpenIdleAsync(Attacker, server.HttpPort, DescriptorLimit + 200);
        try
        {
            // A phone connecting over TCP now must be served (it hit EMFILE and made the accept loop spin before).
            Assert.Contains("SIP/2.0 200", await OptionsOverTcpAsync(server.SipPort), StringComparison.Ordinal);
            Assert.Contains("SIP/2.0 200", await OptionsOverUdpAsync(server.SipPort), StringComparison.Ordinal);
            using (var http = server.CreateAdminClient(Deadline))
            {
                using var response = await http.GetAsync("api/v1/mailboxes");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            Assert.True(server.IsRunning, "the server died:\n" + server.Output);
            var lines = server.OutputLineCount - linesBefore;
            var (rssDuring, cpuDuring) = ProcessUsage.Read(server.ProcessId);
            _output.WriteLine($"{attack.Count} idle connections opened; log lines written {lines}; RSS {rssBefore} -> {rssDuring} KiB; CPU {cpuDuring - cpuBefore:F2} s");
            Assert.True(lines < 50, $"{lines} log lines during the attack:\n" + server.Output);
        }
        finally
        {
            foreach (var socket in attack)
            {
                socket.Dispose();
            }
        }

        // Recovery: the attacker's address is served again once its connections are gone (closing is seen asynchronously).
        string answer = string.Empty;
        for (var attempt = 0; attempt < 50 && !answer.Contains(" 200 ", StringComparison.Ordinal); attempt++)
        {
            answer = await HealthzFromAsync(Attacker, server.HttpPort);
        }

        Assert.Contains(" 200 ", answer, StringComparison.Ordinal);
        Assert.True(server.IsRunning);
    }

    /// <summary>Opens up to <paramref name="count"/> TCP connections from <paramref name="local"/>, 100 at a time, each bounded
    /// by a short deadline; connections the server refuses or never accepts are kept as they are.</summary>
    private static async Task<List<Socket>> OpenIdleAsync(IPAddress local, int port, int count)
    {
        var sockets = new List<Socket>(count);
        for (var opened = 0; opened < count; opened += 100)
        {
            var batch = new List<Task<Socket?>>();
            for (var i = 0; i < Math.Min(100, count - opened); i++)
            {
                batch.Add(ConnectFromAsync(local, port, TimeSpan.FromSeconds(2)));
            }

            foreach (var socket in await Task.WhenAll(batch))
            {
                if (socket is not null)
                {
                    sockets.Add(socket);
                }
            }
        }

        return sockets;
    }

    private static async Task<Socket?> ConnectFromAsync(IPAddress local, int port, TimeSpan timeout)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(local, 0));
            using var deadline = new CancellationTokenSource(timeout);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), deadline.Token);
            return socket;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            return null;
        }
    }

    private static async Task<string> HealthzFromAsync(IPAddress local, int port)
    {
        using var socket = await ConnectFromAsync(local, port, TimeSpan.FromSeconds(2));
        if (socket is null)
        {
            return string.Empty;
        }

        try
        {
            await socket.SendAsync("GET /healthz HTTP/1.1\r\nHost: lantern\r\nConnection: close\r\n\r\n"u8.ToArray());
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            var buffer = new byte[1024];
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
            return Encoding.ASCII.GetString(buffer, 0, n);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return string.Empty;
        }
    }

    private static string Options(string transport, int localPort, string branch) =>
        $"OPTIONS sip:ping@127.0.0.1 SIP/2.0\r\n" +
        $"Via: SIP/2.0/{transport} 127.0.0.1:{localPort};branch=z9hG4bK{branch};rport\r\n" +
        "Max-Forwards: 70\r\n" +
        "From: <sip:t@127.0.0.1>;tag=fd1\r\n" +
        "To: <sip:ping@127.0.0.1>\r\n" +
        $"Call-ID: {branch}@fd\r\n" +
        "CSeq: 1 OPTIONS\r\n" +
        "Content-Length: 0\r\n\r\n";

    private static async Task<string> OptionsOverTcpAsync(int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Deadline);
        var stream = client.GetStream();
        var local = ((IPEndPoint)client.Client.LocalEndPoint!).Port;
        await stream.WriteAsync(Encoding.ASCII.GetBytes(Options("TCP", local, "tcpfd" + Guid.NewGuid().ToString("N"))));
        using var deadline = new CancellationTokenSource(Deadline);
        var buffer = new byte[4096];
        var n = await stream.ReadAsync(buffer, deadline.Token);
        return Encoding.ASCII.GetString(buffer, 0, n);
    }

    private static async Task<string> OptionsOverUdpAsync(int port)
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var local = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
        await udp.SendAsync(Encoding.ASCII.GetBytes(Options("UDP", local, "udpfd" + Guid.NewGuid().ToString("N"))), new IPEndPoint(IPAddress.Loopback, port));
        using var deadline = new CancellationTokenSource(Deadline);
        var result = await udp.ReceiveAsync(deadline.Token);
        return Encoding.ASCII.GetString(result.Buffer);
    }
}
