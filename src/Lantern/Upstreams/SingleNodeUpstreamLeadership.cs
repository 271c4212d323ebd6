namespace Lantern.Upstreams;

/// <summary>Without a cluster the one node always holds the upstreams.</summary>
internal sealed class SingleNodeUpstreamLeadership : IUpstreamLeadership
{
    public Task<CancellationToken> AcquireAsync(CancellationToken cancellationToken) => Task.FromResult(CancellationToken.None);
}
