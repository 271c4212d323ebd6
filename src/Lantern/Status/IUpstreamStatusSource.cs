namespace Lantern.Status;

/// <summary>Read model of the outbound subscriptions, for the REST API and the CLI.</summary>
public interface IUpstreamStatusSource
{
    /// <summary>Every configured upstream, ordered by name (ordinal).</summary>
    IReadOnlyList<UpstreamStatus> GetUpstreams();
}
