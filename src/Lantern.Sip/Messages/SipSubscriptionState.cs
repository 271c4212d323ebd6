namespace Lantern.Sip.Messages;

/// <summary>The Subscription-State header (RFC 6665 §8.2.3).</summary>
public sealed record SipSubscriptionState(string State, long? Expires, string? Reason, long? RetryAfter);
