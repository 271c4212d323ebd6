namespace Lantern.Status;

/// <summary>One contact in <c>PUT /api/v1/endpoints/{id}/contacts</c>: a <c>sip:</c>/<c>sips:</c> URI and an optional lifetime.</summary>
/// <param name="ExpiresSeconds">Seconds until the contact is dropped; null for one that stays until replaced.</param>
public sealed record EndpointContactInput(string Uri, int? ExpiresSeconds = null);
