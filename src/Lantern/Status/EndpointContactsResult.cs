namespace Lantern.Status;

/// <summary>The result of <see cref="IEndpointContactWriter.SetContactsAsync"/>: status, error sentence, and the endpoint's contacts afterwards.</summary>
public sealed record EndpointContactsResult(EndpointContactsStatus Status, string Error, IReadOnlyList<RegistrationStatus> Contacts);
