namespace Lantern.Phones;

/// <summary>Who sent an admitted request: an authenticated endpoint, or a trusted proxy (no endpoint).</summary>
internal sealed record PhoneIdentity(PhoneEndpoint? Endpoint)
{
    public static PhoneIdentity Trusted { get; } = new((PhoneEndpoint?)null);

    public bool IsTrusted => Endpoint is null;
}
