using System.Security.Cryptography;
using System.Text;

namespace Lantern.Sip.Auth;

/// <summary>RFC 2617/7616 digest computations (HA1, HA2, response) as lower-case hex.</summary>
internal static class DigestHash
{
    public static string Hash(DigestAlgorithm algorithm, string input)
    {
        var bytes = Encoding.UTF8.GetBytes(input);
#pragma warning disable CA5351 // MD5 is what RFC 2617 digest and most deployed SIP phones speak; SHA-256 is an opt-in (decision 0007).
        return Convert.ToHexStringLower(algorithm == DigestAlgorithm.Sha256 ? SHA256.HashData(bytes) : MD5.HashData(bytes));
#pragma warning restore CA5351
    }

    public static string Ha1(DigestAlgorithm algorithm, string username, string realm, string password) =>
        Hash(algorithm, $"{username}:{realm}:{password}");

    /// <summary>The response; <paramref name="qop"/> null means the RFC 2069 form without nc and cnonce.</summary>
    public static string Response(DigestAlgorithm algorithm, string ha1, string nonce, string? nc, string? cnonce, string? qop, string method, string uri)
    {
        var ha2 = Hash(algorithm, $"{method}:{uri}");
        return qop is null
            ? Hash(algorithm, $"{ha1}:{nonce}:{ha2}")
            : Hash(algorithm, $"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}");
    }

    public static bool TryParseAlgorithm(string? value, out DigestAlgorithm algorithm)
    {
        algorithm = DigestAlgorithm.Md5;
        if (value is null || value.Equals("MD5", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (value.Equals("SHA-256", StringComparison.OrdinalIgnoreCase))
        {
            algorithm = DigestAlgorithm.Sha256;
            return true;
        }

        return false;
    }

    public static string Name(DigestAlgorithm algorithm) => algorithm == DigestAlgorithm.Sha256 ? "SHA-256" : "MD5";

    /// <summary>Constant-time comparison of two hex strings, ignoring case.</summary>
    public static bool HexEquals(string expected, string actual)
    {
        if (expected.Length != actual.Length)
        {
            return false;
        }

        Span<byte> a = stackalloc byte[expected.Length];
        Span<byte> b = stackalloc byte[actual.Length];
        for (var i = 0; i < expected.Length; i++)
        {
            a[i] = (byte)(expected[i] | 0x20);
            b[i] = (byte)(actual[i] | 0x20);
        }

        return CryptographicOperations.FixedTimeEquals(a, b);
    }
}
