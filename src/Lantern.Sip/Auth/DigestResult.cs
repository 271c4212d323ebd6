namespace Lantern.Sip.Auth;

/// <summary>The outcome of checking an Authorization/Proxy-Authorization value.</summary>
/// <remarks>How a registrar or notifier answers: <see cref="Ok"/> proceed; <see cref="Missing"/> (no credentials, or only in a
/// scheme other than Digest), <see cref="UnknownAlgorithm"/> → 401/407 with fresh challenges; <see cref="Stale"/>, <see cref="BadNonce"/>, <see cref="Replayed"/> → fresh challenges with
/// <c>stale=true</c> (the client knew the password); <see cref="WrongCredentials"/> → 401/403 and count a failure;
/// <see cref="Malformed"/> → 400 with the reason.</remarks>
public enum DigestResult
{
    Ok = 0,
    Missing = 1,
    Malformed = 2,
    UnknownAlgorithm = 3,
    WrongCredentials = 4,
    Stale = 5,
    BadNonce = 6,
    Replayed = 7,
}
