namespace Lantern.Sip.Transactions;

/// <summary>One chunk of a <see cref="SipResponseArena"/>: its bytes, how far it is filled and how many responses in it are still held.</summary>
internal sealed class SipResponseChunk(byte[] bytes)
{
    public byte[] Bytes { get; } = bytes;

    public int Used { get; set; }

    public int Held { get; set; }

    /// <summary>No longer the chunk being filled: free once <see cref="Held"/> is 0.</summary>
    public bool Sealed { get; set; }
}
