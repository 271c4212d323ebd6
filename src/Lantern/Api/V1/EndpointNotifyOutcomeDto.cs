namespace Lantern.Api.V1;

/// <summary>One NOTIFY sent by <c>POST /api/v1/endpoints/{id}:notify</c>: to what, and how it ended.</summary>
internal sealed record EndpointNotifyOutcomeDto(string Kind, string Target, bool Delivered, string Result);
