namespace Lantern.Sip.Transport;

/// <summary>Sends framed SIP messages; implemented by the real UDP/TCP/TLS transports and by an in-memory one in tests.</summary>
public interface ISipTransportLayer
{
    /// <summary>Sends one serialized message. Over TCP/TLS it reuses <see cref="SipDestination.ConnectionId"/> when still open,
    /// else any open connection to the address, else connects. Returns a failure rather than throwing.</summary>
    ValueTask<SipSendResult> SendAsync(ReadOnlyMemory<byte> message, SipDestination destination, CancellationToken cancellationToken);

    /// <summary>The local address a message sent to <paramref name="destination"/> leaves from (for Via and Contact).</summary>
    SipSource LocalFor(SipDestination destination);
}
