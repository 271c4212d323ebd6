namespace Lantern.Api.V1;

/// <summary>Answer of <c>PUT /api/v1/endpoints/{id}/contacts</c>: every contact of the endpoint afterwards (registered, static and API).</summary>
internal sealed record EndpointContactsDto(string EndpointId, IReadOnlyList<RegistrationDto> Contacts);
