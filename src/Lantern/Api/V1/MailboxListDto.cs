using System.Text.Json.Serialization;

namespace Lantern.Api.V1;

/// <summary>One page of mailboxes; pass <see cref="Next"/> as <c>after</c> to get the next page (null at the end).</summary>
internal sealed record MailboxListDto(
    IReadOnlyList<MailboxDto> Items,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Next);
