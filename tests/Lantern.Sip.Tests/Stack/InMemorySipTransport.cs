using System.Net;
using Lantern.Sip.Messages;
using Lantern.Sip.Transport;

namespace Lantern.Sip.Tests.Stack;

/// <summary>A transport double: records what the stack sends, with the fake clock's time, and can be told to fail.</summary>
internal sealed class InMemorySipTransport(TimeProvider time) : ISipTransportLayer
{
    private readonly Lock _gate = new();
    private readonly List<SentMessage> _sent = [];

    public static readonly IPEndPoint LocalEndPoint = new(IPAddress.Parse("198.51.100.1"), 5060);

    public bool FailSends { get; set; }

    public long ConnectionIdForStreams { get; set; } = 77;

    public IReadOnlyList<SentMessage> Sent
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent];
            }
        }
    }

    public ValueTask<SipSendResult> SendAsync(ReadOnlyMemory<byte> message, SipDestination destination, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _sent.Add(new SentMessage(message.ToArray(), destination, time.GetUtcNow()));
        }

        return ValueTask.FromResult(FailSends ? SipSendResult.Failed("unreachable")
            : SipSendResult.Ok(destination.Transport == SipTransportKind.Udp ? 0 : ConnectionIdForStreams));
    }

    public SipSource LocalFor(SipDestination destination) => new(destination.Transport, destination.Remote, LocalEndPoint, 0);

    public void Clear()
    {
        lock (_gate)
        {
            _sent.Clear();
        }
    }

    /// <summary>One message the stack sent.</summary>
    internal sealed record SentMessage(byte[] Bytes, SipDestination Destination, DateTimeOffset At)
    {
        public SipMessage Parse()
        {
            // A 400 echoing a malformed CSeq fails validation but is still a structurally sound message.
            var ok = SipMessageParser.TryParse(Bytes, SipLimits.Default, out var m, out var e);
            Assert.True(ok || e.Reason == SipParseErrorReason.MalformedCSeq, e.ToString());
            return m!;
        }

        public string Text => System.Text.Encoding.UTF8.GetString(Bytes);
    }
}
