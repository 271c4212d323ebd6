using System.Security.Cryptography;

namespace Lantern.Sip.Messages;

/// <summary>Unguessable branch ids, tags and Call-IDs from <see cref="RandomNumberGenerator"/>.</summary>
public static class SipIdentifiers
{
    /// <summary>The RFC 3261 §8.1.1.7 magic cookie every branch starts with.</summary>
    public const string BranchCookie = "z9hG4bK";

    /// <summary>A new branch: the magic cookie plus 128 random bits.</summary>
    public static string NewBranch()
    {
        Span<byte> buffer = stackalloc byte[16];
        RandomNumberGenerator.Fill(buffer);
        return Format(BranchCookie, buffer);
    }

    /// <summary>A new From/To tag (64 random bits).</summary>
    public static string NewTag() => RandomHex(8);

    /// <summary>A new Call-ID (128 random bits), optionally <c>@host</c>.</summary>
    public static string NewCallId(string? host = null) => host is null ? RandomHex(16) : RandomHex(16) + "@" + host;

    private static string RandomHex(int bytes)
    {
        Span<byte> buffer = stackalloc byte[bytes];
        RandomNumberGenerator.Fill(buffer);
        return Convert.ToHexStringLower(buffer);
    }

    /// <summary><paramref name="prefix"/> then <paramref name="random"/> in lower-case hex, as one string.</summary>
    internal static string Format(string prefix, ReadOnlySpan<byte> random)
    {
        Span<char> text = stackalloc char[prefix.Length + (random.Length * 2)];
        prefix.CopyTo(text);
        Convert.TryToHexStringLower(random, text[prefix.Length..], out _);
        return new string(text);
    }
}
