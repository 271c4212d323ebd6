namespace Lantern.Sip.Auth;

/// <summary>What the server knows of a user's password: the password itself, or stored HA1 hashes.</summary>
/// <remarks>A user stored with only an MD5 HA1 (Asterisk <c>md5secret</c>, pjsip <c>md5_cred</c>) can only authenticate with MD5;
/// a SHA-256 answer from such a user yields <see cref="DigestResult.WrongCredentials"/>, like an unknown user's, so the answer does not
/// tell which users exist or how they are stored.
/// HA1 hashes are bound to the realm they were computed for.</remarks>
public sealed record DigestSecret
{
    private DigestSecret(string? password, string? md5Ha1, string? sha256Ha1)
    {
        Password = password;
        Md5Ha1 = md5Ha1;
        Sha256Ha1 = sha256Ha1;
    }

    public string? Password { get; }

    /// <summary>Lower-case hex MD5(username:realm:password).</summary>
    public string? Md5Ha1 { get; }

    /// <summary>Lower-case hex SHA-256(username:realm:password).</summary>
    public string? Sha256Ha1 { get; }

    public static DigestSecret FromPassword(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        return new DigestSecret(password, null, null);
    }

    public static DigestSecret FromHa1(string? md5Ha1, string? sha256Ha1 = null)
    {
        if (md5Ha1 is null && sha256Ha1 is null)
        {
            throw new ArgumentException("At least one HA1 is required.", nameof(md5Ha1));
        }

        return new DigestSecret(null, md5Ha1?.ToLowerInvariant(), sha256Ha1?.ToLowerInvariant());
    }
}
