using System.Net;
using System.Net.Sockets;
using System.Text;
using Lantern.Interop.Tests.Infrastructure;

namespace Lantern.Interop.Tests.Sip;

/// <summary>Garbage sent to the server's SIP port gets 400s or silence, and the server keeps answering.</summary>
public sealed class MalformedInputTests
{
    private static readonly string[] Broken =
    [
        "OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{PORT};branch=z9hG4bKbad1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:x@127.0.0.1>\r\nCSeq: 1 OPTIONS\r\n\r\n",
        "OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{PORT};branch=z9hG4bKbad2\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:x@127.0.0.1>\r\nCall-ID: c2\r\nCSeq: one OPTIONS\r\n\r\n",
        "OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{PORT};branch=z9hG4bKbad3\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:x@127.0.0.1>\r\nCall-ID: c3\r\nCSeq: 1 OPTIONS\r\nContent-Length: 99\r\n\r\nshort",
        "OPTIONS sip:x@127.0.0.1 SIP/3.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKbad4\r\n\r\n",
        "\0\0\0\0",
        "SIP/2.0 200 OK\r\n\r\n",
        "INVITE\r\n\r\n",
    ];

    [Fact]
    public async Task GarbageDatagrams_ThenOptions_ServerStillAnswers()
    {
        await using var server = await LanternProcess.StartAsync(TestConfigs.Minimal);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var target = new IPEndPoint(IPAddress.Loopback, server.SipPort);
        var random = new Random(1234);
        var localPort = ((IPEndPoint)socket.LocalEndPoint!).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var sent = 0;
        for (var i = 0; i < 300; i++)
        {
            byte[] payload;
            if (i % 3 == 0)
            {
                payload = Encoding.ASCII.GetBytes(Broken[i / 3 % Broken.Length].Replace("{PORT}", localPort, StringComparison.Ordinal));
            }
            else
            {
                payload = new byte[random.Next(1, 1400)];
                random.NextBytes(payload);
                if (i % 3 == 1)
                {
                    Encoding.ASCII.GetBytes("OPTIONS sip:x SIP/2.0\r\n").CopyTo(payload, 0);
                }
            }

            await socket.SendToAsync(payload, target);
            sent++;
        }

        Assert.Equal(300, sent);

        // The broken-but-answerable requests get 400 with a reason; read until an OPTIONS answer shows the server alive.
        var options = Encoding.ASCII.GetBytes(
            "OPTIONS sip:ping@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + ((IPEndPoint)socket.LocalEndPoint!).Port +
            ";branch=z9hG4bKalive1\r\nFrom: <sip:t@127.0.0.1>;tag=alive\r\nTo: <sip:ping@127.0.0.1>\r\nCall-ID: alive-1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
        // UDP may drop under the burst just sent, so the OPTIONS is retransmitted as a UAC would (Timer E), until the deadline.
        var buffer = new byte[65536];
        var saw400 = false;
        var seen = new List<string>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var answered = false;
        while (!answered)
        {
            await socket.SendToAsync(options, target);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
            wait.CancelAfter(TimeSpan.FromMilliseconds(500));
            try
            {
                while (!answered)
                {
                    var received = await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), wait.Token);
                    var text = Encoding.ASCII.GetString(buffer, 0, received.ReceivedBytes);
                    seen.Add(text.Split('\n')[0]);
                    saw400 |= text.StartsWith("SIP/2.0 400 ", StringComparison.Ordinal);
                    answered = text.Contains("Call-ID: alive-1", StringComparison.Ordinal) && text.StartsWith("SIP/2.0 200", StringComparison.Ordinal);
                }
            }
            catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
            {
                // Retransmit.
            }
            catch (OperationCanceledException)
            {
                Assert.Fail("no 200 to OPTIONS after the garbage; received:\n" + string.Join("\n", seen) + "\n" + server.Output);
            }
        }

        Assert.True(saw400, "no 400 answer to the malformed but answerable requests");
    }
}
