using Lantern.Sip.Messages;

namespace Lantern.Sip.Transactions;

/// <summary>Client transaction key (RFC 3261 §17.1.3): branch and CSeq method, as a value. The branch is the 128 random bits
/// the stack wrote as the magic cookie plus 32 lower-case hex digits, so neither sending nor matching a response makes a
/// string. <see cref="MethodText"/> is set only for methods the stack does not know.</summary>
internal readonly record struct SipClientKey(UInt128 Branch, SipMethod Method, string? MethodText)
{
    private const int HexDigits = 32;

    public static SipClientKey For(UInt128 branch, SipMethod method, string methodText) =>
        new(branch, method, method == SipMethod.Unknown ? methodText : null);

    /// <summary>The key a response's top Via branch and CSeq method name; false for a branch the stack cannot have written
    /// (no response to one of its requests, so it matches no transaction).</summary>
    public static bool TryParse(ReadOnlySpan<byte> branch, SipMethod method, string? methodText, out SipClientKey key)
    {
        key = default;
        var cookie = SipIdentifiers.BranchCookie;
        if (branch.Length != cookie.Length + HexDigits)
        {
            return false;
        }

        for (var i = 0; i < cookie.Length; i++)
        {
            if (branch[i] != cookie[i])
            {
                return false;
            }
        }

        Span<byte> bits = stackalloc byte[16];
        for (var i = 0; i < 16; i++)
        {
            var high = Nibble(branch[cookie.Length + (2 * i)]);
            var low = Nibble(branch[cookie.Length + (2 * i) + 1]);
            if ((high | low) < 0)
            {
                return false;
            }

            bits[i] = (byte)((high << 4) | low);
        }

        key = new SipClientKey(System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(bits), method,
            method == SipMethod.Unknown ? methodText : null);
        return true;
    }

    // Lower case only: the branch is compared exactly (RFC 3261 §17.1.3), and the stack writes lower-case hex.
    private static int Nibble(byte c) => c is >= (byte)'0' and <= (byte)'9' ? c - '0' : c is >= (byte)'a' and <= (byte)'f' ? c - 'a' + 10 : -1;
}
