namespace Lantern.Sip.Auth;

/// <summary>Digest hash algorithms Lantern speaks (RFC 7616, RFC 8760); the <c>-sess</c> variants are not supported.</summary>
public enum DigestAlgorithm
{
    Md5 = 0,
    Sha256 = 1,
}
