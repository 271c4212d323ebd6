using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Lantern.Interop.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Lantern.Interop.Tests.Hosting;

/// <summary>Issue 10 items 4-7 against the built server: while an attack runs from 127.0.0.2 (bounded in count and time), a
/// legitimate phone's SUBSCRIBE refresh and a REST read from 127.0.0.1 are answered in bounded time, and the attack is cut off.
/// Each test writes a <c>FIGURES</c> line (RSS, CPU, answer times) that bench/security/measure.sh collects.</summary>
[Collection(AttackTestGroup.Name)]
public sealed class AttackServiceTests
{
    private const string Config = """
        {
          "Logging": { "LogLevel": { "Default": "Warning", "Lantern": "Information" } },
          "sip": { "domain": "127.0.0.1", "messageTimeoutSeconds": 2, "listen": [
            { "transport": "udp", "address": "127.0.0.1", "port": {SIP_PORT} },
            { "transport": "tcp", "address": "127.0.0.1", "port": {SIP_PORT} } ],
            "digestAlgorithms": [ "MD5", "SHA-256" ], "unsolicited": { "startupWindowSeconds": 0 } },
          "store": { "sqlite": "{DB}" },
          "http": { "listen": "127.0.0.1:{HTTP_PORT}", "eventStreamBacklog": 100,
            "users": [ { "name": "admin", "password": "pw" } ] },
          "ami": { "listen": "127.0.0.1:{AMI_PORT}", "users": [ { "name": "admin", "secret": "pw", "write": true },
            { "name": "reader", "secret": "readerpw" } ] },
          "endpoints": [ {ENDPOINT} ]
        }
        """;

    private const string CatastrophicRegex = "/^(.*)(.*)(.*)(.*)(.*)(.*)!/";
    // Well above what they take (tens of ms, under a second on a loaded 2-core machine), well below the seconds of item 6 before its fix.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(3);
    private static readonly IPAddress Attacker = IPAddress.Parse("127.0.0.2");

    private readonly ITestOutputHelper _output;

    public AttackServiceTests(ITestOutputHelper output) => _output = output;

    /// <summary>Item 5: 50 TCP connections trickling a byte every 250 ms are closed by the message deadline (2 s here).</summary>
    [Fact]
    public async Task SipTcpSlowloris_ConnectionsClosedByMessageDeadline_PhoneAndRestServed()
    {
        await using var server = await StartAsync();
        using var user = await LegitimateUser.SubscribeAsync(server);
        var usage = ProcessUsage.Read(server.ProcessId);
        var attack = new List<(Socket Socket, Task Closed)>();
        var open = 0;
        try
        {
            for (var i = 0; i < 50; i++)
            {
                var socket = await ConnectFromAsync(server.SipPort);
                attack.Add((socket, ClosedAsync(socket)));
            }

            var request = Encoding.ASCII.GetBytes("OPTIONS sip:slow@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.2:5060;branch=z9hG4bKslow\r\n");
            var allClosed = Task.WhenAll(attack.Select(a => a.Closed));
            // One byte per connection every 250 ms, at most 8 s: before the fix each byte reset the idle timer, for ever.
            for (var tick = 0; tick < 32 && !allClosed.IsCompleted; tick++)
            {
                foreach (var (socket, closed) in attack)
                {
                    if (!closed.IsCompleted)
                    {
                        await TrySendAsync(socket, request.AsMemory(tick % request.Length, 1));
                    }
                }

                if (tick == 4)
                {
                    await user.AssertServedAsync(Bound);
                }

                await Task.WhenAny(allClosed, Task.Delay(250));
            }

            open = attack.Count(a => !a.Closed.IsCompleted);
            Assert.True(open == 0, $"{open} of {attack.Count} trickling connections still open after 8 s\n" + server.Output);
        }
        finally
        {
            Report("item 5 SIP TCP slowloris (50 connections, 1 byte / 250 ms)", server, usage, user, $"still open after 8 s: {open}");
            foreach (var (socket, _) in attack)
            {
                socket.Dispose();
            }
        }
    }

    /// <summary>Item 4: 60 AMI connections from one address that never log in do not lock out the operator.</summary>
    [Fact]
    public async Task AmiAnonymousConnections_FromOneAddress_OperatorLogsIn_PhoneAndRestServed()
    {
        await using var server = await StartAsync();
        using var user = await LegitimateUser.SubscribeAsync(server);
        var usage = ProcessUsage.Read(server.ProcessId);
        var attack = new List<Socket>();
        var login = "not tried";
        try
        {
            for (var i = 0; i < 60; i++)
            {
                attack.Add(await ConnectFromAsync(server.AmiPort));
            }

            await user.AssertServedAsync(Bound);
            using var operatorSession = await AmiClient.ConnectAsync(IPAddress.Loopback, server.AmiPort);
            login = await AmiClient.LoginAsync(operatorSession, "admin", "pw");
            Assert.Contains("Authentication accepted", login, StringComparison.Ordinal);
        }
        finally
        {
            Report("item 4 AMI, 60 connections not logged in from 127.0.0.2", server, usage, user, "operator login: " + FirstLine(login));
            foreach (var socket in attack)
            {
                socket.Dispose();
            }
        }
    }

    /// <summary>Item 6: 16 read-only AMI sessions each asking <c>MWIGet</c> with a catastrophic regex 3 times over 2,000 mailboxes.</summary>
    [Fact]
    public async Task AmiCatastrophicRegex_OverTwoThousandMailboxes_AnsweredQuickly_PhoneAndRestServed()
    {
        await using var server = await StartAsync();
        using var user = await LegitimateUser.SubscribeAsync(server);
        await ChangeMailboxesAsync(server, 2000, 1);
        var usage = ProcessUsage.Read(server.ProcessId);
        var sessions = new List<NetworkStream>();
        var answered = 0;
        try
        {
            for (var i = 0; i < 16; i++)
            {
                var session = await AmiClient.ConnectAsync(Attacker, server.AmiPort);
                sessions.Add(session);
                Assert.Contains("Authentication accepted", await AmiClient.LoginAsync(session, "reader", "readerpw"), StringComparison.Ordinal);
            }

            var actions = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 3).Select(n =>
                $"Action: MWIGet\r\nActionID: re{n}\r\nMailbox: {CatastrophicRegex}\r\n\r\n")));
            foreach (var session in sessions)
            {
                await session.WriteAsync(actions);
            }

            await user.AssertServedAsync(Bound);
            var answers = await Task.WhenAll(sessions.Select(s => AmiClient.ReadUntilCountAsync(s, "ActionID: re2", 1, TimeSpan.FromSeconds(10))));
            answered = answers.Count(a => a.Contains("ActionID: re2", StringComparison.Ordinal));
            Assert.Equal(sessions.Count, answered);
        }
        finally
        {
            Report("item 6 AMI MWIGet catastrophic regex, 16 sessions x 3, 2,000 mailboxes", server, usage, user, $"sessions answered within 10 s: {answered}");
            foreach (var session in sessions)
            {
                await session.DisposeAsync();
            }
        }
    }

    /// <summary>Item 7: 20 event streams that never read while 2,000 mailboxes change 5 times are dropped, memory stays bounded.</summary>
    [Fact]
    public async Task EventStreamsThatStopReading_ManyChangedMailboxes_Dropped_PhoneAndRestServed()
    {
        await using var server = await StartAsync();
        using var user = await LegitimateUser.SubscribeAsync(server);
        var usage = ProcessUsage.Read(server.ProcessId);
        var streams = new List<Socket>();
        var closedCount = 0;
        try
        {
            var request = Encoding.ASCII.GetBytes("GET /api/v1/events HTTP/1.1\r\nHost: lantern\r\nAuthorization: Basic " +
                Convert.ToBase64String(Encoding.ASCII.GetBytes("admin:pw")) + "\r\n\r\n");
            for (var i = 0; i < 20; i++)
            {
                // A small receive window so the server's writes stall as soon as the client stops reading.
                var socket = await ConnectFromAsync(server.HttpPort, receiveBuffer: 4096);
                await socket.SendAsync(request);
                streams.Add(socket);
            }

            for (var round = 1; round <= 5; round++)
            {
                await ChangeMailboxesAsync(server, 2000, round);
            }

            await user.AssertServedAsync(Bound);
            // Each dropped stream is seen by draining its socket to the close (bounded: the server holds at most its backlog).
            var closed = await Task.WhenAll(streams.Select(s => DrainToCloseAsync(s, TimeSpan.FromSeconds(15))));
            closedCount = closed.Count(c => c);
            Assert.True(closedCount == streams.Count, $"{streams.Count - closedCount} of {streams.Count} stalled event streams still open\n" + server.Output);
        }
        finally
        {
            Report("item 7 event streams not reading, 20 streams, 2,000 mailboxes x 5 changes", server, usage, user, $"streams closed by the server: {closedCount}");
            foreach (var socket in streams)
            {
                socket.Dispose();
            }
        }
    }

    private static Task<LanternProcess> StartAsync() =>
        LanternProcess.StartAsync(Config.Replace("{ENDPOINT}", LegitimateUser.Endpoint, StringComparison.Ordinal));

    /// <summary>Sets voice new = <paramref name="round"/> on mailboxes 40000..(40000+count) in one batch from 127.0.0.1.</summary>
    private static async Task ChangeMailboxesAsync(LanternProcess server, int count, int round)
    {
        var items = new StringBuilder("{\"items\":[");
        for (var i = 0; i < count; i++)
        {
            items.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? string.Empty : ",")}{{\"id\":\"{40000 + i}@default\",\"counts\":{{\"voice\":{{\"new\":{round}}}}}}}");
        }

        items.Append("]}");
        using var http = server.CreateAdminClient(TimeSpan.FromSeconds(30));
        using var body = new StringContent(items.ToString(), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri("api/v1/mailboxes:batch", UriKind.Relative), body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<Socket> ConnectFromAsync(int port, int? receiveBuffer = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (receiveBuffer is { } size)
        {
            socket.ReceiveBufferSize = size;
        }

        socket.Bind(new IPEndPoint(Attacker, 0));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), deadline.Token);
        return socket;
    }

    private static async Task TrySendAsync(Socket socket, ReadOnlyMemory<byte> bytes)
    {
        try
        {
            await socket.SendAsync(bytes);
        }
        catch (SocketException)
        {
            // Closed by the server: the read side reports it.
        }
    }

    /// <summary>Completes when the server closes <paramref name="socket"/> (end of stream or reset).</summary>
    private static async Task ClosedAsync(Socket socket)
    {
        var buffer = new byte[256];
        try
        {
            while (await socket.ReceiveAsync(buffer) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Reads until the server closes the socket; false if it is still open at the deadline.</summary>
    private static async Task<bool> DrainToCloseAsync(Socket socket, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var buffer = new byte[65536];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token) > 0)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static string FirstLine(string text)
    {
        foreach (var line in text.Split("\r\n"))
        {
            if (line.StartsWith("Message:", StringComparison.Ordinal) || line.StartsWith("Response: Error", StringComparison.Ordinal))
            {
                return line;
            }
        }

        return text.Length == 0 ? "connection closed without answer" : text.Trim();
    }

    private void Report(string attack, LanternProcess server, (long RssKiB, double CpuSeconds) before, LegitimateUser user, string outcome)
    {
        if (!server.IsRunning)
        {
            _output.WriteLine($"FIGURES {attack}: server died");
            return;
        }

        var after = ProcessUsage.Read(server.ProcessId);
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"FIGURES {attack}: RSS {before.RssKiB / 1024} -> {after.RssKiB / 1024} MiB; CPU {after.CpuSeconds - before.CpuSeconds:F2} s; " +
            $"refresh {user.LastRefresh.TotalMilliseconds:F0} ms; REST read {user.LastRestRead.TotalMilliseconds:F0} ms; {outcome}"));
    }
}
