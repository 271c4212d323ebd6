using System.Net;
using System.Text;
using Lantern.Sip.Messages;
using Lantern.Sip.Stack;
using Lantern.Sip.Transactions;
using Lantern.Sip.Transport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Lantern.Sip.Tests.Stack;

/// <summary>A stack wired to the in-memory transport and a fake clock.</summary>
internal sealed class SipStackHarness : IDisposable
{
    public static readonly IPEndPoint Phone = new(IPAddress.Parse("203.0.113.5"), 40123);

    public SipStackHarness(SipStackOptions? options = null, Microsoft.Extensions.Logging.ILogger? logger = null)
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Transport = new InMemorySipTransport(Time);
        Stack = new SipStack(Transport, Time, options ?? new SipStackOptions { Shards = 1 }, logger ?? NullLogger.Instance);
        Start = Time.GetUtcNow();
    }

    public FakeTimeProvider Time { get; }

    public InMemorySipTransport Transport { get; }

    public SipStack Stack { get; }

    public DateTimeOffset Start { get; }

    public void Receive(string text, SipTransportKind transport = SipTransportKind.Udp, long connectionId = 0) =>
        Stack.OnMessage(Encoding.UTF8.GetBytes(text), new SipSource(transport, Phone, InMemorySipTransport.LocalEndPoint,
            transport == SipTransportKind.Udp ? 0 : connectionId));

    /// <summary>Moves the clock in small steps so every timer fires at its own instant.</summary>
    public void Advance(TimeSpan total, TimeSpan? step = null)
    {
        var s = step ?? TimeSpan.FromMilliseconds(50);
        for (var t = TimeSpan.Zero; t < total; t += s)
        {
            Time.Advance(s);
        }
    }

    public double[] SendOffsetsSeconds() => [.. Transport.Sent.Select(m => (m.At - Start).TotalSeconds)];

    public SipMessage SingleResponse()
    {
        var sent = Assert.Single(Transport.Sent);
        return sent.Parse();
    }

    public void Dispose() => Stack.Dispose();

    public static string Request(string method, string branch = "z9hG4bKb1", string callId = "call-1", int cseq = 1, string extra = "",
        string toTag = "", string via = "SIP/2.0/UDP 192.0.2.10:5060", string uri = "sip:1000@pbx.example.com", string body = "") =>
        $"{method} {uri} SIP/2.0\r\n" +
        $"Via: {via};branch={branch};rport\r\n" +
        "Max-Forwards: 70\r\n" +
        "From: <sip:1000@pbx.example.com>;tag=ft1\r\n" +
        $"To: <sip:1000@pbx.example.com>{toTag}\r\n" +
        $"Call-ID: {callId}\r\n" +
        $"CSeq: {cseq} {method}\r\n" +
        extra +
        $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n" + body;

    /// <summary>A handler that records requests and answers with a fixed status (or not at all when null).</summary>
    internal sealed class RecordingHandler(int? status, Exception? fail = null) : ISipRequestHandler
    {
        public List<SipServerTransaction> Calls { get; } = [];

        public ValueTask HandleRequestAsync(SipServerTransaction transaction, CancellationToken cancellationToken)
        {
            Calls.Add(transaction);
            if (fail is not null)
            {
                throw fail;
            }

            if (status is { } s)
            {
                transaction.Respond(s);
            }

            return ValueTask.CompletedTask;
        }
    }
}
