namespace Lantern.Upstreams;

/// <summary>The final outcome of one SUBSCRIBE transaction as the state machine needs it. Local failures
/// (Timer F, transport error, resolution failure) are expressed as 408/503 with <see cref="LocalFailure"/> set.</summary>
/// <param name="Challenges">The <c>WWW-Authenticate</c> (401) or <c>Proxy-Authenticate</c> (407) values.</param>
/// <param name="RemoteTarget">The Contact URI of a 2xx.</param>
/// <param name="RecordRoute">Record-Route values of a 2xx, in message order.</param>
internal sealed record UpstreamSubscribeResponse(
    int StatusCode,
    string Reason,
    int? Expires = null,
    int? MinExpires = null,
    int? RetryAfter = null,
    string? RemoteTag = null,
    string? RemoteTarget = null,
    IReadOnlyList<string>? RecordRoute = null,
    IReadOnlyList<string>? Challenges = null,
    bool LocalFailure = false)
{
    /// <summary>No response arrived (Timer F) or the request could not be sent.</summary>
    public static UpstreamSubscribeResponse Local(int statusCode, string reason) => new(statusCode, reason, LocalFailure: true);

    public bool IsSuccess => StatusCode is >= 200 and < 300;
}
