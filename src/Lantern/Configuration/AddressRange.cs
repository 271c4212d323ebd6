using System.Net;

namespace Lantern.Configuration;

/// <summary>Parses the address entries of <c>permit</c>, <c>sip.trusted</c> and peer <c>match</c>.</summary>
public static class AddressRange
{
    /// <summary>Parses <c>a.b.c.d</c>, <c>a.b.c.d/n</c>, an IPv6 address or prefix; a bare address is a host range.</summary>
    public static bool TryParse(string? text, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (text.Contains('/', StringComparison.Ordinal))
        {
            // IPNetwork rejects prefixes with host bits set; Asterisk's permit=192.0.2.7/24 means the /24, so mask them.
            var slash = text.IndexOf('/', StringComparison.Ordinal);
            if (!IPAddress.TryParse(text.AsSpan(0, slash), out var baseAddress)
                || !int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefix))
            {
                return TryParseMask(text, slash, out network);
            }

            var bits = baseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
            if (prefix < 0 || prefix > bits)
            {
                return false;
            }

            network = new IPNetwork(MaskAddress(baseAddress, prefix), prefix);
            return true;
        }

        if (!IPAddress.TryParse(text, out var address) || text.Contains('%', StringComparison.Ordinal))
        {
            return false;
        }

        network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        return true;
    }

    /// <summary>True for a plausible DNS host name (letters, digits, hyphens, dots).</summary>
    public static bool IsHostName(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 253 || text.StartsWith('.') || text.StartsWith('-'))
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.'))
            {
                return false;
            }
        }

        return !text.Contains("..", StringComparison.Ordinal);
    }

    // Asterisk also writes permit=192.0.2.0/255.255.255.0.
    private static bool TryParseMask(string text, int slash, out IPNetwork network)
    {
        network = default;
        if (!IPAddress.TryParse(text.AsSpan(0, slash), out var baseAddress)
            || baseAddress.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || !IPAddress.TryParse(text.AsSpan(slash + 1), out var mask)
            || mask.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return false;
        }

        var m = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(mask.GetAddressBytes());
        var prefix = System.Numerics.BitOperations.PopCount(m);
        if (prefix != 0 && m != uint.MaxValue << (32 - prefix))
        {
            return false;
        }

        network = new IPNetwork(MaskAddress(baseAddress, prefix), prefix);
        return true;
    }

    private static IPAddress MaskAddress(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes);
    }
}
