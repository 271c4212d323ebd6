namespace Lantern.Sip.Auth;

/// <summary>A verification result with the user name the client claimed and, for failures, a reason naming the problem.</summary>
/// <param name="Algorithm">The algorithm the client answered with, on success: a caller that allows only some algorithms for
/// this user checks it, since a client may answer with an algorithm it was not challenged with.</param>
public readonly record struct DigestVerification(DigestResult Result, string? Username, string? Reason, DigestAlgorithm? Algorithm = null)
{
    public bool Succeeded => Result == DigestResult.Ok;

    /// <summary>Whether a new challenge should carry <c>stale=true</c>: the client proved the password but the nonce is no good.</summary>
    public bool ChallengeStale => Result is DigestResult.Stale or DigestResult.BadNonce or DigestResult.Replayed;
}
