using System.Text.Json.Serialization;

namespace Lantern.Api.Ari;

/// <summary>Asterisk ARI's Mailbox model: voice counts only.</summary>
internal sealed record AriMailbox(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("old_messages")] int OldMessages,
    [property: JsonPropertyName("new_messages")] int NewMessages);
