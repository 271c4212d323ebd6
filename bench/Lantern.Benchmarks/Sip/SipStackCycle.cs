using System.Net;
using System.Text;
using Lantern.Sip.Messages;
using Lantern.Sip.Stack;
using Lantern.Sip.Transactions;
using Lantern.Sip.Transport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Lantern.Benchmarks.Sip;

/// <summary>Subscribe-refresh-unsubscribe cycles through one <see cref="SipStack"/> (one shard) on a fake clock, with a loopback
/// phone that answers each NOTIFY at once: 3 requests + 3 responses + 3 NOTIFYs + 3 NOTIFY responses per cycle, the handler
/// answering and sending its NOTIFY as the notifier does. Everything runs on the calling thread (the shard drains inline,
/// the fake clock fires timers inline), so allocation per thread and time per cycle are the stack's. Shared by the
/// benchmark and <c>SipStackAllocationTests</c> (linked there).</summary>
public sealed class SipStackCycle : IDisposable
{
    /// <summary>Dialogs reused in turn: a dialog comes back after Dialogs × <see cref="Pacing"/> (164 s), well past Timer J.</summary>
    private const int Dialogs = 4096;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly LoopbackPhone _phone = new();
    private readonly SipStack _stack;
    private readonly byte[][][] _requests = new byte[Dialogs][][];
    private int _next;

    /// <param name="unansweredEvery">When above 0, every that-many-th NOTIFY goes to a phone that went away and is never
    /// answered: its transaction times out after 64·T1, so live timers are always queued, as in a running server.</param>
    public SipStackCycle(int unansweredEvery = 0)
    {
        _stack = new SipStack(_phone, _time, new SipStackOptions { Shards = 1 }, NullLogger.Instance);
        _phone.Stack = _stack;
        _stack.RegisterHandler(SipMethod.Subscribe, new NotifyingHandler(_stack, unansweredEvery));
        for (var i = 0; i < Dialogs; i++)
        {
            _requests[i] =
            [
                Encoding.ASCII.GetBytes(Subscribe(i, toTag: false, expires: 3600)),
                Encoding.ASCII.GetBytes(Subscribe(i, toTag: true, expires: 3600, cseq: 2)),
                Encoding.ASCII.GetBytes(Subscribe(i, toTag: true, expires: 0, cseq: 3)),
            ];
        }
    }

    /// <summary>The fake clock moves this much per cycle, so Timer J and K end transactions as fast as new ones start.</summary>
    public static TimeSpan Pacing { get; } = TimeSpan.FromMilliseconds(40);

    public SipStack Stack => _stack;

    /// <summary>Messages the stack handed to the transport.</summary>
    public int Sends => _phone.Sends;

    /// <summary>Timers queued in the stack's timer service.</summary>
    public int QueuedTimers => _stack.QueuedTimers;

    public void Run()
    {
        var requests = _requests[_next];
        _next = (_next + 1) % Dialogs;
        foreach (var request in requests)
        {
            _stack.OnMessage(request, new SipSource(SipTransportKind.Udp, LoopbackPhone.Phone, LoopbackPhone.Local, 0));
        }

        _time.Advance(Pacing);
    }

    public void Dispose() => _stack.Dispose();

    /// <summary>The SUBSCRIBE of <paramref name="dialog"/>: initial (no To tag), refresh, or unsubscribe (Expires: 0).</summary>
    public static string Subscribe(int dialog, bool toTag, int expires, int cseq = 1) =>
        $"SUBSCRIBE sip:1000@192.0.2.1:5060 SIP/2.0\r\n" +
        $"Via: SIP/2.0/UDP 192.0.2.10:5061;branch=z9hG4bK-{dialog}-{cseq};rport\r\n" +
        "From: sipp <sip:1000@192.0.2.10:5061>;tag=1234SIPpTag00" + dialog + "\r\n" +
        "To: <sip:1000@192.0.2.1:5060>" + (toTag ? ";tag=a1b2c3d4e5f60718" : string.Empty) + "\r\n" +
        $"Call-ID: {dialog}-1234@192.0.2.10\r\n" +
        $"CSeq: {cseq} SUBSCRIBE\r\n" +
        "Contact: <sip:1000@192.0.2.10:5061>\r\n" +
        "Max-Forwards: 70\r\n" +
        "Event: message-summary\r\n" +
        "Accept: application/simple-message-summary\r\n" +
        $"Expires: {expires}\r\n" +
        "Content-Length: 0\r\n\r\n";

    /// <summary>Answers 200 and sends one in-dialog NOTIFY, the way the notifier does (SipMwiNotifySender).</summary>
    private sealed class NotifyingHandler(SipStack stack, int unansweredEvery) : ISipRequestHandler
    {
        private static readonly byte[] Body = Encoding.ASCII.GetBytes("Messages-Waiting: yes\r\nMessage-Account: sip:1000@192.0.2.1\r\nVoice-Message: 2/8 (0/0)\r\n");
        private readonly SipDestination _destination = new(SipTransportKind.Udp, LoopbackPhone.Phone);
        private readonly SipDestination _gone = new(SipTransportKind.Udp, LoopbackPhone.Gone);
        private long _cseq;

        public ValueTask HandleRequestAsync(SipServerTransaction transaction, CancellationToken cancellationToken)
        {
            var request = transaction.Request;
            var expires = request.GetHeader(SipHeaderId.Expires);
            var response = transaction.CreateResponse(200).AddHeader(SipHeaderId.Expires, expires ?? "3600")
                .AddHeader(SipHeaderId.Contact, "<sip:192.0.2.1:5060>");
            var b = SipMessageBuilder.Request(SipMethod.Notify, "sip:1000@192.0.2.10:5061");
            b.AddHeader(SipHeaderId.From, "<sip:1000@192.0.2.1:5060>", ";tag=", transaction.LocalTag);
            b.AddHeader(SipHeaderId.To, "<sip:1000@192.0.2.10:5061>", ";tag=", request.FromTag!);
            b.AddHeader(SipHeaderId.CallId, request.CallId);
            b.AddCSeq(++_cseq, SipMethod.Notify);
            b.AddHeader(SipHeaderId.Contact, "<sip:192.0.2.1:5060>");
            b.AddHeader(SipHeaderId.Event, "message-summary");
            b.AddHeader(SipHeaderId.SubscriptionState, expires == "0" ? "terminated;reason=timeout" : "active;expires=3600");
            b.AddHeader(SipHeaderId.UserAgent, "Lantern");
            b.SetBody(Body, "application/simple-message-summary");
            transaction.Respond(response);
            _ = SendAsync(b, unansweredEvery > 0 && _cseq % unansweredEvery == 0 ? _gone : _destination, cancellationToken);
            return ValueTask.CompletedTask;
        }

        private async Task SendAsync(SipMessageBuilder notify, SipDestination destination, CancellationToken cancellationToken)
        {
            var result = await stack.SendRequestAsync(notify, destination, cancellationToken);
            result.Response?.Dispose();
        }
    }

    /// <summary>The phone: answers each NOTIFY 200 at once (on the same thread) by copying its Via, From, To, Call-ID and CSeq,
    /// allocation-free, into one reused buffer; keeps nothing else.</summary>
    private sealed class LoopbackPhone : ISipTransportLayer
    {
        public static readonly IPEndPoint Phone = new(IPAddress.Parse("192.0.2.10"), 5061);
        public static readonly IPEndPoint Local = new(IPAddress.Parse("192.0.2.1"), 5060);
        public static readonly IPEndPoint Gone = new(IPAddress.Parse("192.0.2.11"), 5061);
        private readonly byte[] _answer = new byte[2048];

        public SipStack? Stack { get; set; }

        public int Sends { get; private set; }

        public ValueTask<SipSendResult> SendAsync(ReadOnlyMemory<byte> message, SipDestination destination, CancellationToken cancellationToken)
        {
            Sends++;
            var span = message.Span;
            if (span.StartsWith("NOTIFY "u8) && destination.Remote.Equals(Phone))
            {
                var length = Answer(span, _answer);
                Stack!.OnMessage(_answer.AsSpan(0, length), new SipSource(SipTransportKind.Udp, Phone, Local, 0));
            }

            return ValueTask.FromResult(SipSendResult.Ok(0));
        }

        public SipSource LocalFor(SipDestination destination) => new(destination.Transport, destination.Remote, Local, 0);

        private static int Answer(ReadOnlySpan<byte> request, Span<byte> answer)
        {
            var n = Put(answer, 0, "SIP/2.0 200 OK\r\n"u8);
            var rest = request[(request.IndexOf("\r\n"u8) + 2)..];
            while (true)
            {
                var end = rest.IndexOf("\r\n"u8);
                if (end <= 0)
                {
                    break;
                }

                var line = rest[..end];
                if (line.StartsWith("Via:"u8) || line.StartsWith("From:"u8) || line.StartsWith("To:"u8) || line.StartsWith("Call-ID:"u8)
                    || line.StartsWith("CSeq:"u8))
                {
                    n = Put(answer, n, line);
                    n = Put(answer, n, "\r\n"u8);
                }

                rest = rest[(end + 2)..];
            }

            return Put(answer, n, "Content-Length: 0\r\n\r\n"u8);
        }

        private static int Put(Span<byte> destination, int at, ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(destination[at..]);
            return at + bytes.Length;
        }
    }
}
