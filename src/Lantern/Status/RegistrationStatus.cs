namespace Lantern.Status;

/// <summary>One contact of an endpoint with its unsolicited NOTIFY delivery results, for <c>GET /api/v1/registrations</c>,
/// <c>GET /api/v1/endpoints/{id}</c> and <c>lantern registrations</c>.</summary>
/// <param name="Origin"><c>register</c>, <c>static</c> or <c>api</c>.</param>
/// <param name="ExpiresAt">Null when it does not expire.</param>
/// <param name="Remote">Transport and source address of the REGISTER, null for static and API contacts.</param>
public sealed record RegistrationStatus(
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
