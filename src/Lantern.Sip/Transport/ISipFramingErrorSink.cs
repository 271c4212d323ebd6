using Lantern.Sip.Messages;

namespace Lantern.Sip.Transport;

/// <summary>Optional companion of <see cref="ISipMessageReceiver"/>: told when a stream cannot be framed, so the stack can answer
/// 400/413/513 over the same connection before the transport closes it.</summary>
public interface ISipFramingErrorSink
{
    /// <summary>Called once per failing connection. <paramref name="headerBytes"/> are the bytes framed so far (possibly an incomplete
    /// header section). Send the answer with <see cref="ISipTransportLayer.SendAsync"/> to <paramref name="source"/>'s connection before
    /// the returned task completes; the transport waits a bounded time, then closes the connection. Must not throw.</summary>
    ValueTask OnFramingErrorAsync(SipFramerError error, ReadOnlyMemory<byte> headerBytes, SipSource source, CancellationToken cancellationToken);
}
