namespace Lantern.Phones;

/// <summary>Starts and stops the <see cref="PhonesModule"/> with the host.</summary>
internal sealed class PhonesHostedService : IHostedService
{
    private readonly PhonesModule _module;

    public PhonesHostedService(PhonesModule module) => _module = module;

    public Task StartAsync(CancellationToken cancellationToken) => _module.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => _module.StopAsync(cancellationToken);
}
