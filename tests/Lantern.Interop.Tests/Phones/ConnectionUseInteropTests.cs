using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Lantern.Interop.Tests.Infrastructure;

namespace Lantern.Interop.Tests.Phones;

/// <summary>Decision 0035 against the built server with a 2 s idle timeout: a subscribed TCP phone's connection outlives
/// the idle close, and a WebSocket phone that refreshes over a new connection gets its NOTIFYs there.</summary>
public sealed class ConnectionUseInteropTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private const string Config = """
        {
          "Logging": { "LogLevel": { "Default": "Warning", "Lantern": "Information" } },
          "sip": { "domain": "127.0.0.1", "idleConnectionSeconds": 2, "listen": [
            { "transport": "udp", "address": "127.0.0.1", "port": {SIP_PORT} },
            { "transport": "tcp", "address": "127.0.0.1", "port": {SIP_PORT} },
            { "transport": "ws", "address": "127.0.0.1", "port": {TLS_PORT}, "allowedOrigins": [ "https://phone.test" ] } ],
            "trusted": [ "127.0.0.0/8" ], "unsolicited": { "startupWindowSeconds": 0 } },
          "store": { "sqlite": "{DB}" },
          "http": { "listen": "127.0.0.1:{HTTP_PORT}", "users": [ { "name": "admin", "password": "pw" } ] },
          "ami": { "listen": "127.0.0.1:{AMI_PORT}", "users": [] },
          "endpoints": [ { "id": "1001", "password": "secret1001", "mailboxes": [ "1001@default" ], "unsolicited": false } ]
        }
        """;

    [Fact]
    public async Task Tcp_SubscribedPhoneSilentPastIdleTimeout_KeepsItsConnectionAndGetsTheNotify()
    {
        await using var server = await LanternProcess.StartAsync(Config);
        using var phoneClient = new TcpClient();
        await phoneClient.ConnectAsync(IPAddress.Loopback, server.SipPort).WaitAsync(Deadline);
        var phone = new StreamPhone(phoneClient.GetStream(), "TCP", ((IPEndPoint)phoneClient.Client.LocalEndPoint!).Port);

        await phone.SendAsync(phone.Subscribe("tcp-keep", cseq: 1, toTag: null));
        var first = await phone.SubscribeAnsweredAsync("tcp-keep");
        Assert.Contains("Messages-Waiting: no", first, StringComparison.Ordinal);

        // The control connection's last activity comes after the phone's, so the sweep that finds it idle finds the phone's
        // connection idle too: only the subscription's in-use mark can keep the phone's open.
        using var control = new TcpClient();
        await control.ConnectAsync(IPAddress.Loopback, server.SipPort).WaitAsync(Deadline);
        var controlStream = control.GetStream();
        await controlStream.WriteAsync(Encoding.ASCII.GetBytes(Options("ctl-1", ((IPEndPoint)control.Client.LocalEndPoint!).Port)));
        var controlReader = new SipStreamReader(controlStream);
        Assert.StartsWith("SIP/2.0 200 ", await controlReader.NextAsync(), StringComparison.Ordinal);
        Assert.True(await controlReader.ClosedAsync(), "the control connection (no subscription) was not closed by the idle timer\n" + server.Output);

        await PutMailboxAsync(server, "1001@default", 3);

        var notify = await phone.NextNotifyAsync();
        Assert.Contains("Call-ID: tcp-keep\r\n", notify, StringComparison.Ordinal);
        Assert.Contains("Messages-Waiting: yes", notify, StringComparison.Ordinal);
        Assert.Contains("Voice-Message: 3/0", notify, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebSocket_RefreshOverNewConnection_NextNotifyComesOverTheNewConnection()
    {
        await using var server = await LanternProcess.StartAsync(Config);
        using var oldSocket = await ConnectWebSocketAsync(server.TlsPort);
        var old = new WebSocketPhone(oldSocket);

        await old.SendAsync(Phone.SubscribeText("WS", 5062, "ws-move", cseq: 1, toTag: null));
        var (ok, first) = await old.SubscribeAnsweredAsync();
        Assert.Contains("Messages-Waiting: no", first, StringComparison.Ordinal);
        var toTag = Phone.ToTag(ok);

        // The phone reconnects and refreshes in-dialog over its new connection; the old one stays open but silent.
        using var newSocket = await ConnectWebSocketAsync(server.TlsPort);
        var moved = new WebSocketPhone(newSocket);
        await moved.SendAsync(Phone.SubscribeText("WS", 5062, "ws-move", cseq: 2, toTag: toTag));
        await moved.SubscribeAnsweredAsync();

        // Once the subscription's mark moved, nothing keeps the old connection open: the idle timer closes it.
        Assert.True(await old.ClosedAsync(), "the old connection kept its in-use mark after the refresh moved the subscription\n" + server.Output);

        await PutMailboxAsync(server, "1001@default", 2);

        var notify = await moved.NextNotifyAsync();
        Assert.Contains("Call-ID: ws-move\r\n", notify, StringComparison.Ordinal);
        Assert.Contains("Messages-Waiting: yes", notify, StringComparison.Ordinal);
        Assert.Contains("Voice-Message: 2/0", notify, StringComparison.Ordinal);
    }

    private static string Options(string callId, int port) =>
        "OPTIONS sip:127.0.0.1 SIP/2.0\r\n" +
        $"Via: SIP/2.0/TCP 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)};branch=z9hG4bK{callId};rport\r\n" +
        "Max-Forwards: 70\r\nFrom: <sip:ctl@127.0.0.1>;tag=ctl\r\nTo: <sip:127.0.0.1>\r\n" +
        $"Call-ID: {callId}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";

    private static async Task<ClientWebSocket> ConnectWebSocketAsync(int port)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("sip");
        socket.Options.SetRequestHeader("Origin", "https://phone.test");
        using var timeout = new CancellationTokenSource(Deadline);
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"), timeout.Token);
        return socket;
    }

    private static async Task PutMailboxAsync(LanternProcess server, string id, int newMessages)
    {
        using var http = server.CreateAdminClient();
        using var response = await http.PutAsync(new Uri($"ari/mailboxes/{id}?newMessages={newMessages.ToString(CultureInfo.InvariantCulture)}&oldMessages=0", UriKind.Relative), null);
        Assert.True(response.IsSuccessStatusCode, $"PUT {id}: {(int)response.StatusCode}");
    }

    /// <summary>A minimal subscriber: the requests it sends and how it answers NOTIFYs, over any message channel.</summary>
    private abstract class Phone
    {
        public abstract Task SendAsync(string message);

        /// <summary>The next SIP message, or null when the server closed the connection.</summary>
        protected abstract Task<string?> ReceiveAsync();

        /// <summary>True once the server closed the connection within the deadline (anything it sends first is skipped).</summary>
        public async Task<bool> ClosedAsync()
        {
            for (var i = 0; i < 100; i++)
            {
                try
                {
                    if (await ReceiveAsync() is null)
                    {
                        return true;
                    }
                }
                catch (OperationCanceledException)
                {
                    return false;
                }
            }

            return false;
        }

        public static string SubscribeText(string transport, int port, string callId, int cseq, string? toTag) =>
            "SUBSCRIBE sip:1001@127.0.0.1 SIP/2.0\r\n" +
            $"Via: SIP/2.0/{transport} 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)};branch=z9hG4bK{callId}-{cseq.ToString(CultureInfo.InvariantCulture)};rport\r\n" +
            "Max-Forwards: 70\r\n" +
            "From: <sip:1001@127.0.0.1>;tag=ph1\r\n" +
            "To: <sip:1001@127.0.0.1>" + (toTag is null ? string.Empty : ";tag=" + toTag) + "\r\n" +
            $"Call-ID: {callId}\r\n" +
            $"CSeq: {cseq.ToString(CultureInfo.InvariantCulture)} SUBSCRIBE\r\n" +
            $"Contact: <sip:1001@127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)};transport={transport.ToLowerInvariant()}>\r\n" +
            "Event: message-summary\r\nAccept: application/simple-message-summary\r\nExpires: 3600\r\nContent-Length: 0\r\n\r\n";

        public static string ToTag(string response)
        {
            var to = Header(response, "To");
            var at = to.IndexOf(";tag=", StringComparison.Ordinal);
            Assert.True(at >= 0, "no To tag in " + response);
            return to[(at + 5)..];
        }

        /// <summary>Waits for the 2xx and the NOTIFY a SUBSCRIBE brings (in either order), answers the NOTIFY and returns both.</summary>
        public async Task<(string Ok, string Notify)> SubscribeAnsweredAsync()
        {
            string? ok = null;
            string? notify = null;
            for (var i = 0; i < 20 && (ok is null || notify is null); i++)
            {
                var message = await ReceiveAsync() ?? throw new InvalidOperationException("connection closed; got: " + ok + notify);
                if (message.StartsWith("NOTIFY ", StringComparison.Ordinal))
                {
                    await AnswerAsync(message);
                    notify = message;
                }
                else if (message.StartsWith("SIP/2.0 2", StringComparison.Ordinal))
                {
                    ok = message;
                }
                else if (!message.StartsWith("SIP/2.0 1", StringComparison.Ordinal))
                {
                    Assert.Fail("unexpected answer to SUBSCRIBE: " + message);
                }
            }

            Assert.NotNull(ok);
            Assert.NotNull(notify);
            return (ok, notify);
        }

        /// <summary>The next NOTIFY (answered 200); fails when the connection closes first.</summary>
        public async Task<string> NextNotifyAsync()
        {
            for (var i = 0; i < 20; i++)
            {
                var message = await ReceiveAsync();
                Assert.True(message is not null, "the server closed the phone's connection before the NOTIFY");
                if (message.StartsWith("NOTIFY ", StringComparison.Ordinal))
                {
                    await AnswerAsync(message);
                    return message;
                }
            }

            throw new InvalidOperationException("no NOTIFY among 20 messages");
        }

        private Task AnswerAsync(string notify)
        {
            var answer = "SIP/2.0 200 OK\r\n" +
                "Via: " + Header(notify, "Via") + "\r\n" +
                "From: " + Header(notify, "From") + "\r\n" +
                "To: " + Header(notify, "To") + "\r\n" +
                "Call-ID: " + Header(notify, "Call-ID") + "\r\n" +
                "CSeq: " + Header(notify, "CSeq") + "\r\n" +
                "Content-Length: 0\r\n\r\n";
            return SendAsync(answer);
        }

        private static string Header(string message, string name)
        {
            foreach (var line in message.Split("\r\n"))
            {
                if (line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
                {
                    return line[(name.Length + 1)..].Trim();
                }
            }

            throw new InvalidOperationException($"no {name} in {message}");
        }
    }

    /// <summary>A phone over one TCP connection.</summary>
    private sealed class StreamPhone(NetworkStream stream, string transport, int port) : Phone
    {
        private readonly SipStreamReader _reader = new(stream);

        public string Subscribe(string callId, int cseq, string? toTag) => SubscribeText(transport, port, callId, cseq, toTag);

        public async Task<string> SubscribeAnsweredAsync(string callId)
        {
            var (_, notify) = await SubscribeAnsweredAsync();
            Assert.Contains("Call-ID: " + callId + "\r\n", notify, StringComparison.Ordinal);
            return notify;
        }

        public override async Task SendAsync(string message) => await stream.WriteAsync(Encoding.ASCII.GetBytes(message));

        protected override Task<string?> ReceiveAsync() => _reader.NextOrNullAsync();
    }

    /// <summary>A phone over one WebSocket connection: one SIP message per WebSocket message (RFC 7118).</summary>
    private sealed class WebSocketPhone(ClientWebSocket socket) : Phone
    {
        public override async Task SendAsync(string message)
        {
            using var timeout = new CancellationTokenSource(Deadline);
            await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        }

        protected override async Task<string?> ReceiveAsync()
        {
            using var timeout = new CancellationTokenSource(Deadline);
            var buffer = new byte[16384];
            var length = 0;
            for (var i = 0; i < 100; i++)
            {
                ValueWebSocketReceiveResult result;
                try
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(length), timeout.Token);
                }
                catch (WebSocketException)
                {
                    // A connection dropped without a close frame counts as closed too.
                    return null;
                }

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return null;
                }

                length += result.Count;
                if (result.EndOfMessage)
                {
                    return Encoding.UTF8.GetString(buffer, 0, length);
                }
            }

            throw new InvalidOperationException("message did not end");
        }
    }

    /// <summary>Frames SIP messages off a TCP stream by their Content-Length.</summary>
    private sealed class SipStreamReader(Stream stream)
    {
        private readonly StringBuilder _pending = new();
        private readonly byte[] _buffer = new byte[8192];

        public async Task<string> NextAsync() =>
            await NextOrNullAsync() ?? throw new InvalidOperationException("connection closed; got: " + _pending);

        public async Task<bool> ClosedAsync()
        {
            try
            {
                for (var i = 0; i < 100; i++)
                {
                    if (await NextOrNullAsync() is null)
                    {
                        return true;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                return false;
            }

            return false;
        }

        public async Task<string?> NextOrNullAsync()
        {
            using var timeout = new CancellationTokenSource(Deadline);
            for (var reads = 0; reads < 1000; reads++)
            {
                if (TryTake(out var message))
                {
                    return message;
                }

                int n;
                try
                {
                    n = await stream.ReadAsync(_buffer, timeout.Token);
                }
                catch (IOException)
                {
                    return null;
                }

                if (n == 0)
                {
                    return null;
                }

                _pending.Append(Encoding.ASCII.GetString(_buffer, 0, n));
            }

            throw new InvalidOperationException("too many reads");
        }

        private bool TryTake(out string message)
        {
            message = string.Empty;
            var text = _pending.ToString().TrimStart('\r', '\n');
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0)
            {
                return false;
            }

            var length = 0;
            foreach (var line in text[..end].Split("\r\n"))
            {
                if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase) || line.StartsWith("l:", StringComparison.Ordinal))
                {
                    length = int.Parse(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim(), CultureInfo.InvariantCulture);
                }
            }

            var total = end + 4 + length;
            if (text.Length < total)
            {
                return false;
            }

            message = text[..total];
            _pending.Clear().Append(text[total..]);
            return true;
        }
    }
}
