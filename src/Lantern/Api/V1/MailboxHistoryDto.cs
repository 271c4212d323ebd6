namespace Lantern.Api.V1;

/// <summary>A mailbox's kept history, newest first; <see cref="Exists"/> tells whether the mailbox exists now.</summary>
internal sealed record MailboxHistoryDto(string Id, bool Exists, int Limit, IReadOnlyList<MailboxHistoryEntryDto> Items);
