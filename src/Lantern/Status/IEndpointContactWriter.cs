namespace Lantern.Status;

/// <summary>Sets an endpoint's API contacts (<c>PUT /api/v1/endpoints/{id}/contacts</c>) for networks where another server is the
/// registrar; replaces the contacts previously set through the API, leaves registered and static ones alone.</summary>
public interface IEndpointContactWriter
{
    ValueTask<EndpointContactsResult> SetContactsAsync(string endpointId, IReadOnlyList<EndpointContactInput> contacts, CancellationToken cancellationToken);
}
