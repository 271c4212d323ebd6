using Lantern.Configuration;
using Lantern.Mailboxes;
using Microsoft.Extensions.Options;

namespace Lantern.Spool;

/// <summary>Runs one <see cref="SpoolWatcher"/> per <c>spools[]</c> entry; the set is read at start-up (a reload does not change it).</summary>
internal sealed class SpoolHostedService(
    IMailboxService mailboxes,
    TimeProvider time,
    ILoggerFactory loggers,
    IOptions<LanternOptions> options) : IHostedService
{
    private readonly List<SpoolWatcher> _watchers = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger("Lantern.Spool");
        foreach (var spool in options.Value.Spools)
        {
            var watcher = new SpoolWatcher(spool, mailboxes, time, logger);
            _watchers.Add(watcher);
            await watcher.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var watcher in _watchers)
        {
            await watcher.DisposeAsync().ConfigureAwait(false);
        }

        _watchers.Clear();
    }
}
