using Lantern.Storage;
using Microsoft.Extensions.Hosting.Systemd;

namespace Lantern.Hosting;

/// <summary>Tells systemd, in <c>STATUS=</c> lines shown by <c>systemctl status</c>, whether a started node serves with its store
/// or is waiting for it: <c>READY=1</c> only means the listeners are open (decision 0040), so this is where an operator sees why.</summary>
internal sealed class SystemdStatusReporter : BackgroundService
{
    /// <summary>How often the reason is re-read while the store stays unreachable (the problem can change, e.g. refused, then timeouts).</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    private readonly ISystemdNotifier _notifier;
    private readonly StoreStartup _startup;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeProvider _time;

    public SystemdStatusReporter(ISystemdNotifier notifier, StoreStartup startup, IHostApplicationLifetime lifetime, TimeProvider time)
    {
        _notifier = notifier;
        _startup = startup;
        _lifetime = lifetime;
        _time = time;
    }

    /// <summary>The status line while the store is not ready.</summary>
    public static string Waiting(string problem) => "STATUS=Listening, not ready: waiting for the store (" + problem + ")";

    /// <summary>The status line once the store is loaded.</summary>
    public const string Serving = "STATUS=Serving: store loaded, listeners open";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // After the host's own READY=1, so the first status describes a started service.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (_lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            try
            {
                await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        string? said = null;
        while (!_startup.IsReady && !stoppingToken.IsCancellationRequested)
        {
            var line = Waiting(_startup.Problem);
            if (line != said)
            {
                _notifier.Notify(new ServiceState(line));
                said = line;
            }

            try
            {
                await _startup.Ready.WaitAsync(RefreshInterval, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Re-read the reason.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        if (!stoppingToken.IsCancellationRequested)
        {
            _notifier.Notify(new ServiceState(Serving));
        }
    }
}
