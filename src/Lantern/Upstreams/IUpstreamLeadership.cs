namespace Lantern.Upstreams;

/// <summary>Decides which node of a cluster runs the upstreams, so a provider sees one subscription per cluster.</summary>
internal interface IUpstreamLeadership
{
    /// <summary>Completes once this node holds the upstreams; the returned token is cancelled when it loses them.</summary>
    Task<CancellationToken> AcquireAsync(CancellationToken cancellationToken);
}
