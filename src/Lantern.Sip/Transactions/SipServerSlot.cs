using Lantern.Sip.Transport;

namespace Lantern.Sip.Transactions;

/// <summary>What a shard's server table holds under a transaction key, as a value: the live transaction, or once its final
/// response went out over UDP, only what Timer J needs (the response's bytes in the shard's arena, where they go, and when
/// the entry ends). A completed transaction thus costs no object of its own for its 64·T1.</summary>
internal readonly record struct SipServerSlot(SipServerTransaction? Live, ReadOnlyMemory<byte> Response, SipResponseChunk? Chunk,
    SipDestination Destination, long Due);
