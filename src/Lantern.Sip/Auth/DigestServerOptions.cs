namespace Lantern.Sip.Auth;

/// <summary>Settings of the digest challenger/verifier.</summary>
public sealed record DigestServerOptions
{
    /// <summary>The realm; defaults to the configured SIP domain in the host.</summary>
    public required string Realm { get; init; }

    public TimeSpan NonceLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Algorithms challenged, in order; MD5 alone by default. Offering SHA-256 too (first, per RFC 8760) locks out
    /// clients that reject a response holding any challenge they do not know (libre before 2.x, so baresip 1.0).</summary>
    public IReadOnlyList<DigestAlgorithm> Algorithms { get; init; } = [DigestAlgorithm.Md5];

    /// <summary>Key for the nonce HMAC; a random one per process when null (nonces then die with the process, answered stale).</summary>
    public ReadOnlyMemory<byte> SecretKey { get; init; }

    /// <summary>Binds nonces to the client's IP address (off by default: NAT rebinding would break it).</summary>
    public bool BindNonceToClientAddress { get; init; }

    /// <summary>Accept RFC 2069 answers without qop. Off by default: such an answer has no nonce-count, so anyone who captures it
    /// can replay it for the nonce's lifetime.</summary>
    public bool AllowNoQop { get; init; }

    /// <summary>Nonces whose last nonce-count is remembered until they expire; beyond it the earliest issued are dropped and every
    /// nonce issued up to them is answered stale.</summary>
    public int MaxTrackedNonces { get; init; } = 100_000;

    /// <summary>Largest Authorization value accepted, in characters.</summary>
    public int MaxHeaderLength { get; init; } = 4096;
}
