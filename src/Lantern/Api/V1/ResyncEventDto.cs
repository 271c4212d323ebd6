namespace Lantern.Api.V1;

/// <summary>Data of the SSE <c>resync</c> event: changes after <c>Last-Event-ID</c> were lost, so re-read the mailboxes.</summary>
internal sealed record ResyncEventDto(long LastEventId, long OldestAvailable, string Reason);
