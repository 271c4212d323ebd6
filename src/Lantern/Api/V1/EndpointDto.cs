namespace Lantern.Api.V1;

/// <summary>One endpoint: configuration summary (never credentials), contacts, subscriptions and the last NOTIFY result.</summary>
/// <param name="Authentication"><c>digest</c> or <c>acl</c>; the credentials themselves are never exposed.</param>
internal sealed record EndpointDto(
    string Id,
    IReadOnlyList<string> Mailboxes,
    bool Aggregate,
    string? VoicemailExtension,
    bool Unsolicited,
    bool SubscribeReplacesUnsolicited,
    bool OmitUrgent,
    string Authentication,
    IReadOnlyList<string> Permit,
    IReadOnlyList<RegistrationDto> Contacts,
    IReadOnlyList<SubscriptionDto> Subscriptions,
    LastNotifyDto? LastNotify);
