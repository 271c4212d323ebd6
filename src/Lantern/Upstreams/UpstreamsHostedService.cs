using Lantern.Configuration;
using Lantern.Sip.Messages;
using Lantern.Sip.Stack;
using Microsoft.Extensions.Options;

namespace Lantern.Upstreams;

/// <summary>Registers the NOTIFY handler with the stack at start, and starts the configured upstreams once the host has
/// started (so the SIP listeners are bound before the first SUBSCRIBE goes out). Unsubscribes them in the stopping
/// phase, which runs before any service's StopAsync: the SIP listeners close in theirs, and an unsubscribe sent after
/// that never left the machine.</summary>
internal sealed class UpstreamsHostedService(
    SipStack stack,
    UpstreamNotifyHandler handler,
    UpstreamsModule module,
    IOptions<LanternOptions> options,
    IHostApplicationLifetime lifetime) : IHostedLifecycleService
{
    private Task _starting = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        stack.RegisterHandler(SipMethod.Notify, handler);
        lifetime.ApplicationStarted.Register(() => _starting = module.StartAsync(options.Value.Upstreams, lifetime.ApplicationStopping));
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
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

    /// <summary>Nothing left: <see cref="StoppingAsync"/> ended the subscriptions while the listeners were still open.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
