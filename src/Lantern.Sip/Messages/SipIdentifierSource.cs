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

    /// <summary>64 random bits, like <see cref="SipIdentifiers.NewTag"/>.</summary>
    public string NewTag() => Hex(string.Empty, 8);

    private string Hex(string prefix, int bytes)
    {
        Span<byte> take = stackalloc byte[16];
        take = take[..bytes];
        lock (_gate)
        {
            if (_used + bytes > _random.Length)
            {
                RandomNumberGenerator.Fill(_random);
                _used = 0;
            }

            _random.AsSpan(_used, bytes).CopyTo(take);
            // Each identifier's bytes are used once.
            _random.AsSpan(_used, bytes).Clear();
            _used += bytes;
        }

        return SipIdentifiers.Format(prefix, take);
    }
}
