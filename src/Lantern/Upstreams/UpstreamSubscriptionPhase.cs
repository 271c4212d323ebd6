namespace Lantern.Upstreams;

/// <summary>The substate value of <c>Subscription-State</c>.</summary>
internal enum UpstreamSubscriptionPhase
{
    Active = 0,
    Pending = 1,
    Terminated = 2,
}
