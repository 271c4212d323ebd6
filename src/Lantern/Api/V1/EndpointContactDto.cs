namespace Lantern.Api.V1;

/// <summary>One contact in the body of <c>PUT /api/v1/endpoints/{id}/contacts</c>.</summary>
/// <param name="Uri">A <c>sip:</c> or <c>sips:</c> URI.</param>
/// <param name="ExpiresSeconds">Lifetime in seconds; absent for a contact that stays until replaced.</param>
internal sealed record EndpointContactDto(string? Uri, long? ExpiresSeconds = null);
