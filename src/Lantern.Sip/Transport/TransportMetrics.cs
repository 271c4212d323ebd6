using System.Diagnostics.Metrics;

namespace Lantern.Sip.Transport;

/// <summary>Transport counters on the "Lantern.Sip" meter.</summary>
internal sealed class TransportMetrics : IDisposable
{
    public const string MeterName = "Lantern.Sip";

    private readonly Meter? _ownedMeter;
    private readonly Counter<long> _received;
    private readonly Counter<long> _sent;
    private readonly Counter<long> _sendFailures;
    private readonly Counter<long> _framingErrors;
    private readonly Counter<long> _receiverErrors;
    private readonly Counter<long> _opened;
    private readonly Counter<long> _closed;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _acceptFailures;
    private readonly Counter<long> _messageTimeouts;
    private readonly Counter<long> _oversized;

    public TransportMetrics(IMeterFactory? meterFactory, Func<int> activeConnections)
    {
        Meter meter;
        if (meterFactory is null)
        {
            _ownedMeter = new Meter(MeterName);
            meter = _ownedMeter;
        }
        else
        {
            meter = meterFactory.Create(MeterName);
        }

        _received = meter.CreateCounter<long>("lantern.sip.messages.received", description: "SIP messages received");
        _sent = meter.CreateCounter<long>("lantern.sip.messages.sent", description: "SIP messages sent");
        _sendFailures = meter.CreateCounter<long>("lantern.sip.send.failures", description: "Sends that failed");
        _framingErrors = meter.CreateCounter<long>("lantern.sip.framing.errors", description: "Streams that could not be framed");
        _receiverErrors = meter.CreateCounter<long>("lantern.sip.receiver.errors", description: "Exceptions thrown by the message receiver");
        _opened = meter.CreateCounter<long>("lantern.sip.connections.opened", description: "Stream connections opened");
        _closed = meter.CreateCounter<long>("lantern.sip.connections.closed", description: "Stream connections closed");
        _refused = meter.CreateCounter<long>("lantern.sip.connections.refused", description: "Connections refused at a limit");
        _acceptFailures = meter.CreateCounter<long>("lantern.sip.accept.failures", description: "Accepts that failed (EMFILE: out of descriptors)");
        _messageTimeouts = meter.CreateCounter<long>("lantern.sip.connections.message_timeouts", description: "Connections closed for not completing a message in time (slowloris)");
        _oversized = meter.CreateCounter<long>("lantern.sip.udp.oversized", description: "UDP datagrams dropped for exceeding the message size limit");
        meter.CreateObservableGauge("lantern.sip.connections.active", activeConnections, description: "Open stream connections");
    }

    private static KeyValuePair<string, object?> Tag(SipTransportKind kind) => new("transport", kind switch
    {
        SipTransportKind.Udp => "udp",
        SipTransportKind.Tcp => "tcp",
        SipTransportKind.Ws => "ws",
        SipTransportKind.Wss => "wss",
        _ => "tls",
    });

    public void Received(SipTransportKind kind) => _received.Add(1, Tag(kind));

    public void Sent(SipTransportKind kind) => _sent.Add(1, Tag(kind));

    public void SendFailed(SipTransportKind kind) => _sendFailures.Add(1, Tag(kind));

    public void FramingError(SipTransportKind kind) => _framingErrors.Add(1, Tag(kind));

    public void ReceiverError(SipTransportKind kind) => _receiverErrors.Add(1, Tag(kind));

    public void Opened(SipTransportKind kind) => _opened.Add(1, Tag(kind));

    public void Closed(SipTransportKind kind) => _closed.Add(1, Tag(kind));

    public void Refused(SipTransportKind kind) => _refused.Add(1, Tag(kind));

    public void AcceptFailed(SipTransportKind kind) => _acceptFailures.Add(1, Tag(kind));

    public void MessageTimeout(SipTransportKind kind) => _messageTimeouts.Add(1, Tag(kind));

    public void Oversized() => _oversized.Add(1, Tag(SipTransportKind.Udp));

    public void Dispose() => _ownedMeter?.Dispose();
}
