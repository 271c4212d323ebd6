using Lantern.Configuration;
using Lantern.Sip.Messages;
using Lantern.Sip.Stack;
using Microsoft.Extensions.Options;

namespace Lantern.Upstreams;

/// <summary>Registers the NOTIFY handler with the stack at start, and starts the configured upstreams once the host has
/// started (so the SIP listeners are bound before the first SUBSCRIBE goes out); on stop, unsubscribes them.</summary>
internal sealed class UpstreamsHostedService(
    SipStack stack,
    UpstreamNotifyHandler handler,
    UpstreamsModule module,
    IOptions<LanternOptions> options,
    IHostApplicationLifetime lifetime) : IHostedService
{
    private Task _starting = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        stack.RegisterHandler(SipMethod.Notify, handler);
        lifetime.ApplicationStarted.Register(() => _starting = module.StartAsync(options.Value.Upstreams, lifetime.ApplicationStopping));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _starting.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping before the start finished: nothing more to wait for.
        }

        await module.StopAsync(cancellationToken).ConfigureAwait(false);
    }
}
