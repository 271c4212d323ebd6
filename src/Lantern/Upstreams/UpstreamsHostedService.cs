using Lantern.Configuration;
using Lantern.Sip.Messages;
using Lantern.Sip.Stack;
using Microsoft.Extensions.Options;

namespace Lantern.Upstreams;

/// <summary>Registers the NOTIFY handler with the stack at start, and runs the configured upstreams once the host has
/// started (so the SIP listeners are bound before the first SUBSCRIBE goes out) while this node holds them (in a
/// cluster, one node at a time). Unsubscribes them in the stopping phase, which runs before any service's StopAsync:
/// the SIP listeners close in theirs, and an unsubscribe sent after that never left the machine.</summary>
internal sealed class UpstreamsHostedService(
    SipStack stack,
    UpstreamNotifyHandler handler,
    UpstreamsModule module,
    IOptions<LanternOptions> options,
    IHostApplicationLifetime lifetime,
    IUpstreamLeadership leadership) : IHostedLifecycleService, IDisposable
{
    // Our own stop signal: the host runs StoppingAsync before it cancels ApplicationStopping when StopAsync is called
    // directly (not through SIGTERM), so waiting on that token alone would wait forever for the leadership loop.
    private readonly CancellationTokenSource _leading = new();
    private Task _running = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        stack.RegisterHandler(SipMethod.Notify, handler);
        module.StandBy();
        lifetime.ApplicationStarted.Register(() => _running = LeadAsync(_leading.Token));
        lifetime.ApplicationStopping.Register(_leading.Cancel);
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        await _leading.CancelAsync().ConfigureAwait(false);
        try
        {
            await _running.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped while trying to take the upstreams, or the host's stop deadline passed.
        }

        // Only the holder has subscribers to end; another node takes the upstreams once this one's session ends.
        await module.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Nothing left: <see cref="StoppingAsync"/> ended the subscriptions while the listeners were still open.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _leading.Dispose();

    // Runs the upstreams while this node holds them; when it loses them (its database session ended, so another node
    // may hold them now) it unsubscribes and queues to take them again.
    private async Task LeadAsync(CancellationToken stopping)
    {
        await module.StartAsync(options.Value.Upstreams, stopping).ConfigureAwait(false);
        while (!stopping.IsCancellationRequested)
        {
            var lost = await leadership.AcquireAsync(stopping).ConfigureAwait(false);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(lost, stopping);
            await module.SetHeldAsync(true, stopping).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, either.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (either.IsCancellationRequested)
            {
            }

            if (!stopping.IsCancellationRequested)
            {
                await module.SetHeldAsync(false, stopping).ConfigureAwait(false);
            }
        }
    }
}
