using Lantern.Configuration;
using Lantern.Sip.Messages;
using Lantern.Sip.Stack;
using Microsoft.Extensions.Options;

namespace Lantern.Upstreams;

/// <summary>Registers the NOTIFY handler with the stack and starts the configured upstreams; on stop, unsubscribes them.</summary>
internal sealed class UpstreamsHostedService(
    SipStack stack,
    UpstreamNotifyHandler handler,
    UpstreamsModule module,
    IOptions<LanternOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        stack.RegisterHandler(SipMethod.Notify, handler);
        await module.StartAsync(options.Value.Upstreams, cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => module.StopAsync(cancellationToken);
}
