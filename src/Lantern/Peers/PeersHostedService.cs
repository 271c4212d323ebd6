using Lantern.Configuration;
using Lantern.Sip.Messages;
using Lantern.Sip.Stack;
using Microsoft.Extensions.Options;

namespace Lantern.Peers;

/// <summary>Resolves the configured peers and registers the PUBLISH handler. Out-of-dialog NOTIFYs reach <see cref="PeerSipHandler"/>
/// through the upstreams' NOTIFY handler (keyed registration); a host without upstreams registers it for NOTIFY itself.</summary>
internal sealed class PeersHostedService(
    SipStack stack,
    PeerSipHandler handler,
    PeersModule module,
    IOptions<LanternOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await module.StartAsync(options.Value.Peers, cancellationToken).ConfigureAwait(false);
        stack.RegisterHandler(SipMethod.Publish, handler);
    }

    public Task StopAsync(CancellationToken cancellationToken) => module.StopAsync(cancellationToken);
}
