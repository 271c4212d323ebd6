namespace Lantern.Api.V1;

/// <summary>The answer of <c>POST /api/v1/endpoints/{id}:notify</c>: how many NOTIFYs were sent and delivered, and each outcome.</summary>
internal sealed record EndpointNotifyDto(string Endpoint, int Sent, int Delivered, IReadOnlyList<EndpointNotifyOutcomeDto> Outcomes);
