using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Lantern.Sip.Tests.Torture;
using Xunit.Abstractions;

namespace Lantern.Interop.Tests.Torture;

/// <summary>Every RFC 4475 and RFC 5118 torture message sent to the built <c>lantern serve</c> over UDP (RFC 5118's over ::1):
/// the answer the manifest gives, or none for what must be discarded (then counted in <c>lantern_sip_dropped_total</c>), and
/// the server still answering an OPTIONS afterwards. The framing cases go over TCP too, where the connection must close.</summary>
public sealed class TortureServerTests(TortureServerFixture fixture, ITestOutputHelper output) : IClassFixture<TortureServerFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    public static TheoryData<string> Names => TortureManifest.Names();

    public static TheoryData<string> StreamCases()
    {
        var data = new TheoryData<string>();
        foreach (var c in TortureManifest.All)
        {
            if (c.TcpClose)
            {
                data.Add(c.Name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Udp_AnsweredAsRfcSays_ServerStillAlive(string name)
    {
        var c = TortureManifest.Get(name);
        var ipv6 = c.Rfc == "rfc5118";
        if (ipv6 && !fixture.HasIpv6Loopback)
        {
            output.WriteLine("::1 cannot be bound on this host: RFC 5118 messages not sent");
            return;
        }

        var loopback = ipv6 ? IPAddress.IPv6Loopback : IPAddress.Loopback;
        using var socket = new Socket(loopback.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(loopback, 0));
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        var self = ipv6 ? $"[::1]:{port}" : $"127.0.0.1:{port}";
        var server = new IPEndPoint(loopback, fixture.Server.SipPort);
        var bytes = TortureCorpus.Bytes(c);
        var received = new List<string>();
        if (c.SentBy is null)
        {
            // Nothing may come back: the drop is observed in the server's counter instead.
            var before = await fixture.DroppedAsync();
            await socket.SendToAsync(bytes, server);
            using var wait = new CancellationTokenSource(Deadline);
            while (await fixture.DroppedAsync() <= before)
            {
                Assert.False(wait.IsCancellationRequested, $"{c}: not counted as dropped\n{fixture.Server.Output}");
                await Task.Delay(20, CancellationToken.None);
            }
        }
        else
        {
            var message = TortureWire.PointAt(bytes, c.SentBy, self);
            if (ipv6)
            {
                // RFC 5118's messages share Call-ID, From tag and CSeq: sent one after another to one server they would be
                // one merged request (482, RFC 3261 §8.2.2.2), so each gets a Call-ID of its own.
                message = TortureWire.Replace(message, "Call-ID: ", "Call-ID: " + name + ".");
            }
            var answer = await ExchangeAsync(socket, server, message, _ => true, received);
            Assert.True(answer is not null, $"{c}: no answer within {Deadline.TotalSeconds} s; RFC: {c.Rule}\n{fixture.Server.Output}");
            var statusLine = answer.Split("\r\n")[0];
            var code = int.Parse(statusLine.AsSpan(8, 3), CultureInfo.InvariantCulture);
            output.WriteLine($"{c}: {statusLine}");
            Assert.True(Array.IndexOf(c.Codes, code) >= 0, $"{c}: answered {statusLine}; expected {string.Join('/', c.Codes)}; RFC: {c.Rule}");
            Assert.NotEqual("SIP/2.0 400 Bad Request", statusLine);
        }

        var callId = "alive-" + name;
        var options = Encoding.ASCII.GetBytes(
            $"OPTIONS sip:ping@{(ipv6 ? "[::1]" : "127.0.0.1")} SIP/2.0\r\nVia: SIP/2.0/UDP {self};branch=z9hG4bKalive{port}\r\n" +
            $"From: <sip:t@127.0.0.1>;tag=alive\r\nTo: <sip:ping@127.0.0.1>\r\nCall-ID: {callId}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
        var alive = await ExchangeAsync(socket, server, options, text => text.Contains("Call-ID: " + callId, StringComparison.Ordinal), received);
        Assert.True(alive is not null && alive.StartsWith("SIP/2.0 200 ", StringComparison.Ordinal), $"{c}: no 200 to OPTIONS afterwards\n{fixture.Server.Output}");
        foreach (var text in received)
        {
            // Retransmissions get the same answer; anything else (e.g. dblreq's INVITE, which must be ignored) is wrong.
            var statusLine = text.Split("\r\n")[0];
            Assert.True(text.Contains("Call-ID: " + callId, StringComparison.Ordinal)
                || (c.SentBy is not null && Array.IndexOf(c.Codes, int.Parse(statusLine.AsSpan(8, 3), CultureInfo.InvariantCulture)) >= 0),
                $"{c}: the server also sent {statusLine}");
        }
    }

    [Theory]
    [MemberData(nameof(StreamCases))]
    public async Task Tcp_FramingError_AnsweredThenClosed(string name)
    {
        var c = TortureManifest.Get(name);
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(IPAddress.Loopback, fixture.Server.SipPort);
        var local = (IPEndPoint)client.Client.LocalEndPoint!;
        var stream = client.GetStream();
        await stream.WriteAsync(TortureWire.PointAt(TortureCorpus.Bytes(c), c.SentBy!, $"127.0.0.1:{local.Port}"));
        var text = new StringBuilder();
        var buffer = new byte[8192];
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, deadline.Token)) > 0)
            {
                text.Append(Encoding.UTF8.GetString(buffer, 0, n));
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{c}: the connection was not closed within {Deadline.TotalSeconds} s; received: {text}");
        }
        catch (IOException)
        {
            // Reset by the server after its answer: closed too.
        }

        var answer = text.ToString();
        output.WriteLine($"{c} over TCP: {answer.Split("\r\n")[0]}");
        if (c.Name == "clerr")
        {
            // A Content-Length beyond what was sent cannot be told from a slow sender on a stream: the server waits for the
            // rest until the message timeout closes the connection (RFC 4475 §3.1.2.2), with nothing to answer.
            Assert.Equal(string.Empty, answer);
        }
        else
        {
            Assert.StartsWith("SIP/2.0 400 ", answer, StringComparison.Ordinal);
            Assert.DoesNotContain("SIP/2.0 400 Bad Request", answer, StringComparison.Ordinal);
        }
    }

    /// <summary>Sends <paramref name="message"/> and retransmits it every 500 ms (as a UAC's Timer E) until a datagram
    /// matching <paramref name="match"/> arrives or the deadline passes; every datagram received is added to <paramref name="received"/>.</summary>
    private static async Task<string?> ExchangeAsync(Socket socket, IPEndPoint server, byte[] message, Func<string, bool> match, List<string> received)
    {
        var buffer = new byte[65536];
        using var deadline = new CancellationTokenSource(Deadline);
        while (!deadline.IsCancellationRequested)
        {
            await socket.SendToAsync(message, server);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
            wait.CancelAfter(TimeSpan.FromMilliseconds(500));
            try
            {
                while (true)
                {
                    var r = await socket.ReceiveFromAsync(buffer, new IPEndPoint(server.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0), wait.Token);
                    var text = Encoding.UTF8.GetString(buffer, 0, r.ReceivedBytes);
                    received.Add(text);
                    if (match(text))
                    {
                        return text;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Retransmit, or give up at the deadline.
            }
        }

        return null;
    }
}
