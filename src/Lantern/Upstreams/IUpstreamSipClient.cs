namespace Lantern.Upstreams;

/// <summary>The SIP edge of the upstream subscriber: sends one SUBSCRIBE as a non-INVITE client transaction
/// (resolving the target, honouring the outbound proxy and route set) and returns its final response.</summary>
internal interface IUpstreamSipClient
{
    /// <summary>Never throws for network problems: a timeout or transport error comes back as a local 408/503.</summary>
    ValueTask<UpstreamSubscribeResponse> SubscribeAsync(UpstreamSubscribeRequest request, CancellationToken cancellationToken);

    /// <summary>Sends one REGISTER to the upstream (or its outbound proxy); failures come back as local 408/503 as for SUBSCRIBE.</summary>
    ValueTask<UpstreamSubscribeResponse> RegisterAsync(UpstreamRegisterRequest request, CancellationToken cancellationToken);
}
