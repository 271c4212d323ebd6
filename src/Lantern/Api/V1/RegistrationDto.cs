namespace Lantern.Api.V1;

/// <summary>One contact binding of an endpoint with its unsolicited NOTIFY results.</summary>
/// <param name="Origin"><c>register</c>, <c>static</c> or <c>api</c>.</param>
internal sealed record RegistrationDto(
    string EndpointId,
    string Contact,
    string Origin,
    DateTimeOffset BoundAt,
    DateTimeOffset? ExpiresAt,
    IReadOnlyList<string> Path,
    string? Remote,
    string? UserAgent,
    DateTimeOffset? LastNotifySuccessAt,
    DateTimeOffset? LastNotifyFailureAt,
    string? LastNotifyFailure);
