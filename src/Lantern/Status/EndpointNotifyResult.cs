namespace Lantern.Status;

/// <summary>The result of <see cref="IEndpointNotifier.NotifyNowAsync"/>: found or not, and one outcome per subscription and contact.</summary>
public sealed record EndpointNotifyResult(bool Found, string Error, IReadOnlyList<EndpointNotifyOutcome> Outcomes);
