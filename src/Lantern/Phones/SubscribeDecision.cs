namespace Lantern.Phones;

/// <summary>What to answer a SUBSCRIBE with; on <see cref="SubscribeStatus.Accepted"/> call <see cref="SubscriptionManager.Activate"/>
/// once the 200 is handed to the transaction (NOTIFYs of the subscription wait for it, new or refreshed).</summary>
/// <param name="Expires">The granted expiry (0 when the request ended the subscription).</param>
internal readonly record struct SubscribeDecision(SubscribeStatus Status, Subscription? Subscription, int Expires, int MinExpires, int RetryAfterSeconds);
