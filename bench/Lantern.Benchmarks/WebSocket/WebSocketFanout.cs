using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;

namespace Lantern.Benchmarks.WebSocket;

/// <summary><c>ws-fanout WS_URL HTTP_URL SUBSCRIBERS [LANTERN_PID]</c>: SUBSCRIBERS WebSocket phones (one connection each, subprotocol
/// <c>sip</c>, from a trusted address) subscribe to 1001@default and stay; then one REST change, and the time from the PUT to the
/// last NOTIFY. With the server's pid, its RSS before, with every subscription held, and 40 s later (after the idle trim).
/// Everything is on loopback; connecting and each wait are bounded in time.</summary>
internal static class WebSocketFanout
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 3)
        {
            await Console.Error.WriteLineAsync("usage: ws-fanout WS_URL HTTP_URL SUBSCRIBERS [LANTERN_PID]");
            return 2;
        }

        var url = new Uri(args[0]);
        var http = new Uri(args[1]);
        var count = int.Parse(args[2], CultureInfo.InvariantCulture);
        int? pid = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : null;
        var rssBefore = Rss(pid);
        using var stop = new CancellationTokenSource(Deadline);
        var phones = new Phone[count];
        var started = Stopwatch.GetTimestamp();
        using (var gate = new SemaphoreSlim(100))
        {
            var connecting = new Task[count];
            for (var i = 0; i < count; i++)
            {
                await gate.WaitAsync(stop.Token);
                var phone = phones[i] = new Phone(i);
                connecting[i] = Task.Run(async () =>
                {
                    try
                    {
                        await phone.SubscribeAsync(url, stop.Token);
                    }
                    finally
                    {
                        gate.Release();
                    }
                });
            }

            await Task.WhenAll(connecting);
        }

        await WaitAllAsync(phones, p => p.Notifies >= 1, stop.Token);
        var subscribeSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var rssHeld = Rss(pid);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} WebSocket subscriptions held after {subscribeSeconds:F1} s"));

        using var client = new HttpClient { BaseAddress = http };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("admin:pw"u8));
        var put = Stopwatch.GetTimestamp();
        using (var response = await client.PutAsync(new Uri("ari/mailboxes/1001@default?newMessages=1&oldMessages=0", UriKind.Relative), null, stop.Token))
        {
            response.EnsureSuccessStatusCode();
        }

        await WaitAllAsync(phones, p => p.Lit, stop.Token);
        long first = long.MaxValue, last = 0;
        foreach (var p in phones)
        {
            first = Math.Min(first, p.LitAt);
            last = Math.Max(last, p.LitAt);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fan-out: PUT -> last NOTIFY {Seconds(put, last):F3} s, PUT -> first {Seconds(put, first):F3} s, all {count} lit"));
        if (pid is not null)
        {
            // The server compacts its heap once it has been quiet for 33 s (IdleHeapTrimmer); 40 s reads the settled figure.
            await Task.Delay(TimeSpan.FromSeconds(40), stop.Token);
            var rssSettled = Rss(pid);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"server RSS: before {rssBefore / 1024.0:F1} MiB, all held {rssHeld / 1024.0:F1} MiB, 40 s later {rssSettled / 1024.0:F1} MiB; " +
                $"per WebSocket subscription {(rssHeld - rssBefore) / (double)count:F1} KiB held, {(rssSettled - rssBefore) / (double)count:F1} KiB settled"));
        }

        foreach (var p in phones)
        {
            p.Close();
            p.Dispose();
        }

        return 0;
    }

    private static double Seconds(long from, long to) => (to - from) / (double)Stopwatch.Frequency;

    private static async Task WaitAllAsync(Phone[] phones, Func<Phone, bool> done, CancellationToken cancellationToken)
    {
        while (true)
        {
            var pending = 0;
            foreach (var p in phones)
            {
                if (p.Failed is { } failure)
                {
                    throw new InvalidOperationException($"phone {p.Index}: {failure}");
                }

                pending += done(p) ? 0 : 1;
            }

            if (pending == 0)
            {
                return;
            }

            await Task.Delay(2, cancellationToken);
        }
    }

    /// <summary>Resident set of the process, KiB.</summary>
    private static long Rss(int? pid)
    {
        if (pid is null)
        {
            return 0;
        }

        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    /// <summary>One phone: its WebSocket, its SUBSCRIBE, and NOTIFYs answered with 200.</summary>
    private sealed class Phone(int index) : IDisposable
    {
        private readonly ClientWebSocket _socket = new();
        private int _notifies;

        public int Index => index;

        public int Notifies => Volatile.Read(ref _notifies);

        public bool Lit { get; private set; }

        public long LitAt { get; private set; }

        public string? Failed { get; private set; }

        public async Task SubscribeAsync(Uri url, CancellationToken cancellationToken)
        {
            _socket.Options.AddSubProtocol("sip");
            _socket.Options.KeepAliveInterval = TimeSpan.Zero;
            await _socket.ConnectAsync(url, cancellationToken);
            var host = $"p{index}.invalid";
            var request = $"SUBSCRIBE sip:1001@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/WS {host};branch=z9hG4bKfan{index}\r\nMax-Forwards: 70\r\n" +
                $"From: <sip:1001@127.0.0.1>;tag=t{index}\r\nTo: <sip:1001@127.0.0.1>\r\nCall-ID: fan{index}@{host}\r\nCSeq: 1 SUBSCRIBE\r\n" +
                $"Contact: <sip:p{index}@{host};transport=ws>\r\nEvent: message-summary\r\nAccept: application/simple-message-summary\r\n" +
                "Expires: 3600\r\nContent-Length: 0\r\n\r\n";
            await _socket.SendAsync(Encoding.ASCII.GetBytes(request), WebSocketMessageType.Text, true, cancellationToken);
            _ = Task.Run(() => ReceiveAsync(cancellationToken), CancellationToken.None);
        }

        public void Close() => _socket.Abort();

        public void Dispose() => _socket.Dispose();

        private async Task ReceiveAsync(CancellationToken cancellationToken)
        {
            var buffer = new byte[8192];
            try
            {
                while (true)
                {
                    var length = 0;
                    ValueWebSocketReceiveResult result;
                    do
                    {
                        result = await _socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                        length += result.Count;
                    }
                    while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    var text = Encoding.ASCII.GetString(buffer, 0, length);
                    if (text.StartsWith("NOTIFY ", StringComparison.Ordinal))
                    {
                        if (text.Contains("Messages-Waiting: yes", StringComparison.Ordinal) && !Lit)
                        {
                            LitAt = Stopwatch.GetTimestamp();
                            Lit = true;
                        }

                        await _socket.SendAsync(Encoding.ASCII.GetBytes(Ok(text)), WebSocketMessageType.Text, true, cancellationToken);
                        Interlocked.Increment(ref _notifies);
                    }
                    else if (text.StartsWith("SIP/2.0 ", StringComparison.Ordinal) && !text.StartsWith("SIP/2.0 200", StringComparison.Ordinal))
                    {
                        Failed = text.Split("\r\n")[0];
                    }
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                if (!cancellationToken.IsCancellationRequested && _socket.State != WebSocketState.Aborted)
                {
                    Failed ??= ex.Message;
                }
            }
        }

        private static string Ok(string request)
        {
            var sb = new StringBuilder("SIP/2.0 200 OK\r\n");
            foreach (var line in request.Split("\r\n"))
            {
                if (line.StartsWith("Via:", StringComparison.OrdinalIgnoreCase) || line.StartsWith("From:", StringComparison.OrdinalIgnoreCase)
                    || line.StartsWith("To:", StringComparison.OrdinalIgnoreCase) || line.StartsWith("Call-ID:", StringComparison.OrdinalIgnoreCase)
                    || line.StartsWith("CSeq:", StringComparison.OrdinalIgnoreCase))
                {
                    sb.Append(line).Append("\r\n");
                }
            }

            return sb.Append("Content-Length: 0\r\n\r\n").ToString();
        }
    }
}
