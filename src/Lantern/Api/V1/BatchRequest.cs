namespace Lantern.Api.V1;

/// <summary>Body of <c>POST /api/v1/mailboxes:batch</c>.</summary>
internal sealed record BatchRequest(IReadOnlyList<BatchItemDto?>? Items);
