using System.Runtime.InteropServices;
using Lantern.Configuration;
using Lantern.Peers;
using Lantern.Phones;
using Lantern.Status;
using Lantern.Upstreams;

namespace Lantern.Hosting;

/// <summary>Re-reads the configuration on SIGHUP or <c>POST /api/v1/config:reload</c> and applies endpoints, peers and upstreams;
/// an invalid file is refused whole and the running configuration stays.</summary>
/// <remarks>Listeners, store, HTTP and AMI settings are read once at start: changing them needs a restart (documented).</remarks>
internal sealed class ConfigurationReloader : IHostedService, IDisposable
{
    private readonly ConfigurationSource _source;
    private readonly PhonesModule _phones;
    private readonly PeersModule _peers;
    private readonly UpstreamsModule _upstreams;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<ConfigurationReloader> _logger;
    private readonly ServerClock _clock;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private PosixSignalRegistration? _sighup;

    public ConfigurationReloader(
        ConfigurationSource source,
        PhonesModule phones,
        PeersModule peers,
        UpstreamsModule upstreams,
        IHostApplicationLifetime lifetime,
        ILogger<ConfigurationReloader> logger,
        ServerClock clock)
    {
        _clock = clock;
        _source = source;
        _phones = phones;
        _peers = peers;
        _upstreams = upstreams;
        _lifetime = lifetime;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsWindows())
        {
            _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                // The default SIGHUP action would end the process; a reload must not.
                context.Cancel = true;
                _ = ReloadFromSignalAsync();
            });
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _sighup?.Dispose();
        _sighup = null;
        return Task.CompletedTask;
    }

    /// <summary>Loads and validates the file; applies it only when it has no error.</summary>
    public async Task<ReloadResult> ReloadAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var errors = new List<string>();
            var options = LanternConfigurationLoader.Load(_source.File, includeEnvironment: true, errors, _source.Overrides);
            if (errors.Count > 0)
            {
                HostingLog.ReloadRefused(_logger, errors.Count, string.Join("; ", errors));
                return new ReloadResult(false, 0, 0, 0, errors);
            }

            _phones.ApplyOptions(options);
            await _peers.ApplyAsync(options.Peers, cancellationToken).ConfigureAwait(false);
            await _upstreams.ApplyAsync(options.Upstreams, cancellationToken).ConfigureAwait(false);
            _clock.Reloaded();
            HostingLog.Reloaded(_logger, options.Endpoints.Count, options.Upstreams.Count, options.Peers.Count);
            return new ReloadResult(true, options.Endpoints.Count, options.Upstreams.Count, options.Peers.Count, []);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _sighup?.Dispose();
        _gate.Dispose();
    }

    private async Task ReloadFromSignalAsync()
    {
        try
        {
            await ReloadAsync(_lifetime.ApplicationStopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: nothing to apply.
        }
        catch (Exception ex)
        {
            HostingLog.ReloadFailed(_logger, ex);
        }
    }
}
