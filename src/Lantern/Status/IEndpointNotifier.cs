namespace Lantern.Status;

/// <summary>Sends an endpoint's current state now (<c>POST /api/v1/endpoints/{id}:notify</c>), for an operator testing a phone.</summary>
public interface IEndpointNotifier
{
    /// <summary>One NOTIFY with the current state to each live subscription of the endpoint and, when it takes unsolicited
    /// NOTIFYs, to each contact; completes when every one has its outcome (or after Timer F at worst).</summary>
    ValueTask<EndpointNotifyResult> NotifyNowAsync(string endpointId, CancellationToken cancellationToken);
}
