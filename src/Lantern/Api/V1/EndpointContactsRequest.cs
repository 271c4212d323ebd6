namespace Lantern.Api.V1;

/// <summary>Body of <c>PUT /api/v1/endpoints/{id}/contacts</c>: the endpoint's complete set of API contacts (empty clears them).</summary>
internal sealed record EndpointContactsRequest(IReadOnlyList<EndpointContactDto?>? Contacts);
