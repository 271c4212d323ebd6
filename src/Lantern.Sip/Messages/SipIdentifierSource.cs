using System.Security.Cryptography;

namespace Lantern.Sip.Messages;

/// <summary>Tags and branches as <see cref="SipIdentifiers"/> makes them, drawn from a buffer of random bytes refilled from
/// <see cref="RandomNumberGenerator"/> 512 bytes at a time instead of one call per identifier (one per shard).</summary>
internal sealed class SipIdentifierSource
{
    private readonly Lock _gate = new();
    private readonly byte[] _random = new byte[512];
    private int _used = 512;

    /// <summary>The magic cookie plus 128 random bits, like <see cref="SipIdentifiers.NewBranch"/>.</summary>
    public string NewBranch() => Hex(SipIdentifiers.BranchCookie, 16);

    /// <summary>128 random bits for a branch written by <see cref="SipMessageBuilder"/> as the magic cookie plus lower-case hex
    /// (as <see cref="NewBranch"/> makes it), kept as a value: the client transaction's key needs no string.</summary>
    public UInt128 NewBranchBits()
    {
        Span<byte> take = stackalloc byte[16];
        Draw(take);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(take);
    }

    /// <summary>64 random bits, like <see cref="SipIdentifiers.NewTag"/>.</summary>
    public string NewTag() => Hex(string.Empty, 8);

    private string Hex(string prefix, int bytes)
    {
        Span<byte> take = stackalloc byte[16];
        take = take[..bytes];
        Draw(take);
        return SipIdentifiers.Format(prefix, take);
    }

    private void Draw(Span<byte> take)
    {
        lock (_gate)
        {
            if (_used + take.Length > _random.Length)
            {
                RandomNumberGenerator.Fill(_random);
                _used = 0;
            }

            _random.AsSpan(_used, take.Length).CopyTo(take);
            // Each identifier's bytes are used once.
            _random.AsSpan(_used, take.Length).Clear();
            _used += take.Length;
        }
    }
}
