using System.Buffers.Binary;
using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Lantern.Sip.Auth;

/// <summary>Stateless nonces: base64url(timestamp ‖ random ‖ HMAC-SHA256(key, timestamp ‖ random ‖ realm [‖ client address])).</summary>
internal sealed class DigestNonce
{
    private const int StampLength = 8;
    private const int RandomLength = 16;
    private const int MacLength = 32;
    private const int RawLength = StampLength + RandomLength + MacLength;

    private readonly byte[] _key;
    private readonly byte[] _realm;

    public DigestNonce(ReadOnlyMemory<byte> key, string realm)
    {
        _key = key.IsEmpty ? RandomNumberGenerator.GetBytes(32) : key.ToArray();
        _realm = Encoding.UTF8.GetBytes(realm);
    }

    /// <summary>The opaque value: derived from the key, so servers sharing a key (a cluster) agree on it.</summary>
    public string Opaque()
    {
        Span<byte> mac = stackalloc byte[MacLength];
        HMACSHA256.HashData(_key, "lantern-opaque"u8, mac);
        return Convert.ToHexStringLower(mac[..16]);
    }

    public string Create(DateTimeOffset now, IPAddress? client)
    {
        Span<byte> raw = stackalloc byte[RawLength];
        BinaryPrimitives.WriteInt64BigEndian(raw, now.ToUnixTimeMilliseconds());
        RandomNumberGenerator.Fill(raw.Slice(StampLength, RandomLength));
        Mac(raw[..(StampLength + RandomLength)], client, raw[(StampLength + RandomLength)..]);
        return Base64Url.EncodeToString(raw);
    }

    /// <summary>Checks the HMAC and returns the issue time; false for a nonce this server did not make.</summary>
    public bool TryValidate(string nonce, IPAddress? client, out DateTimeOffset issued)
    {
        issued = default;
        Span<byte> raw = stackalloc byte[RawLength + 3];
        if (nonce.Length > 128 || !Base64Url.TryDecodeFromChars(nonce, raw, out var written) || written != RawLength)
        {
            return false;
        }

        Span<byte> mac = stackalloc byte[MacLength];
        Mac(raw[..(StampLength + RandomLength)], client, mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, raw.Slice(StampLength + RandomLength, MacLength)))
        {
            return false;
        }

        var stamp = BinaryPrimitives.ReadInt64BigEndian(raw);
        if (stamp is < 0 or > 253_402_300_799_999)
        {
            return false;
        }

        issued = DateTimeOffset.FromUnixTimeMilliseconds(stamp);
        return true;
    }

    private void Mac(ReadOnlySpan<byte> stampAndRandom, IPAddress? client, Span<byte> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        hmac.AppendData(stampAndRandom);
        hmac.AppendData(_realm);
        if (client is not null)
        {
            Span<byte> address = stackalloc byte[16];
            if (client.TryWriteBytes(address, out var length))
            {
                hmac.AppendData(address[..length]);
            }
        }

        hmac.GetHashAndReset(destination);
    }
}
