namespace Lantern.Phones;

/// <summary>Starts the <see cref="PhonesModule"/> with the host: restore and handlers at start, the held-back NOTIFYs once every
/// hosted service (the SIP listeners included) has started.</summary>
internal sealed class PhonesHostedService : IHostedLifecycleService
{
    private readonly PhonesModule _module;

    public PhonesHostedService(PhonesModule module) => _module = module;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => _module.StartAsync(deferNotifications: true, cancellationToken);

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        _module.BeginNotifying();
        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => _module.StopAsync(cancellationToken);

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
