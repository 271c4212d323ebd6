namespace Lantern.Api.V1;

/// <summary>Counts per message class; a class that is absent is not held by the mailbox.</summary>
internal sealed record MailboxCountsDto(
    MessageCountsDto? Voice = null,
    MessageCountsDto? Fax = null,
    MessageCountsDto? Pager = null,
    MessageCountsDto? Multimedia = null,
    MessageCountsDto? Text = null);
