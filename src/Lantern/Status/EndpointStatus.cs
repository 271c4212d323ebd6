namespace Lantern.Status;

/// <summary>One endpoint: its configuration (without secrets), contacts and subscriptions, for <c>GET /api/v1/endpoints[/{id}]</c>.</summary>
/// <param name="Authentication"><c>digest</c> (password or HA1) or <c>acl</c> (no credentials; admitted by <see cref="Permit"/>).</param>
public sealed record EndpointStatus(
    string Id,
    IReadOnlyList<string> Mailboxes,
    bool Aggregate,
    string? VoicemailExtension,
    bool Unsolicited,
    bool SubscribeReplacesUnsolicited,
    bool OmitUrgent,
    string Authentication,
    IReadOnlyList<string> Permit,
    IReadOnlyList<RegistrationStatus> Contacts,
    IReadOnlyList<SubscriptionStatus> Subscriptions);
