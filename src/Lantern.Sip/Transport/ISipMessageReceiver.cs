namespace Lantern.Sip.Transport;

/// <summary>Takes each framed message a transport receives (one datagram, or one message cut from a stream).</summary>
public interface ISipMessageReceiver
{
    /// <summary>Called on the transport's receive loop; <paramref name="message"/> is valid only during the call, so copy what must live longer.
    /// Must not block and must not throw.</summary>
    void OnMessage(ReadOnlySpan<byte> message, in SipSource source);

    /// <summary>A stream connection closed (peer close, error, idle timeout); lets upper layers fail what depended on it.</summary>
    void OnConnectionClosed(long connectionId);
}
