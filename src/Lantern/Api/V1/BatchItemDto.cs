namespace Lantern.Api.V1;

/// <summary>One set operation of a batch: the mailbox id and its new counts (replacing the old ones, as PUT does).</summary>
internal sealed record BatchItemDto(string? Id, MailboxCountsDto? Counts);
