namespace Lantern.Sip.Auth;

/// <summary>Outcome of a nonce-count check.</summary>
internal enum NonceCountCheck
{
    Accepted = 0,
    Replayed = 1,
    Forgotten = 2,
}
