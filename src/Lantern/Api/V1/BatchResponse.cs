namespace Lantern.Api.V1;

/// <summary>A batch that was applied: how many items, and how many of them changed a mailbox.</summary>
internal sealed record BatchResponse(int Applied, int Changed);
