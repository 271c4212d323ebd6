using Lantern.Storage;

namespace Lantern.Phones;

/// <summary>Starts the <see cref="PhonesModule"/> with the host: restore and handlers at start, the held-back NOTIFYs once every
/// hosted service (the SIP listeners included) has started. When the store cannot be reached at start, SUBSCRIBE and
/// REGISTER get <c>503</c> until it can, and the module starts then (its records live in the store).</summary>
internal sealed class PhonesHostedService : IHostedLifecycleService
{
    private readonly PhonesModule _module;
    private readonly StoreStartup? _startup;
    private bool _startedWithHost;

    public PhonesHostedService(PhonesModule module, StoreStartup? startup = null)
    {
        _module = module;
        _startup = startup;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_startup is { IsReady: false })
        {
            // Refuse first: the deferred start may run at once, and its handlers must replace these, not the reverse.
            _module.RefuseUntilStarted();
            if (_startup.Defer(token => _module.StartAsync(deferNotifications: false, token)))
            {
                return Task.CompletedTask;
            }
        }

        _startedWithHost = true;
        return _module.StartAsync(deferNotifications: true, cancellationToken);
    }

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (_startedWithHost)
        {
            _module.BeginNotifying();
        }

        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => _module.StopAsync(cancellationToken);

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
