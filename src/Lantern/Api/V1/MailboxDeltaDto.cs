namespace Lantern.Api.V1;

/// <summary>Body of <c>PATCH /api/v1/mailboxes/{id}</c>: relative changes per class.</summary>
internal sealed record MailboxDeltaDto(
    MessageCountsDeltaDto? Voice = null,
    MessageCountsDeltaDto? Fax = null,
    MessageCountsDeltaDto? Pager = null,
    MessageCountsDeltaDto? Multimedia = null,
    MessageCountsDeltaDto? Text = null);
