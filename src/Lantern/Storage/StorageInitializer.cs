using Lantern.Mailboxes;

namespace Lantern.Storage;

/// <summary>Hosted service that migrates the store and loads the mailboxes before anything else serves; register it first.
/// A store that cannot be reached for now (a PostgreSQL that is down) does not stop the start: the node listens, is not
/// ready, and this service keeps trying with a bounded back-off, then runs what <see cref="StoreStartup"/> queued.</summary>
internal sealed class StorageInitializer : IHostedLifecycleService, IDisposable
{
    /// <summary>Pause before the first retry; doubled after each failure up to <see cref="MaxRetryDelay"/>.</summary>
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest pause between two attempts, so a database that is back is used within about this long.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(4);

    private readonly ILanternStore _store;
    private readonly MailboxService _mailboxes;
    private readonly StoreStartup _startup;
    private readonly TimeProvider _time;
    private readonly ILogger<StorageInitializer> _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task? _opening;
    private Task _retrying = Task.CompletedTask;
    private bool _loaded;

    public StorageInitializer(ILanternStore store, MailboxService mailboxes, ILogger<StorageInitializer> logger, StoreStartup? startup = null, TimeProvider? time = null)
    {
        _store = store;
        _mailboxes = mailboxes;
        _logger = logger;
        _startup = startup ?? new StoreStartup();
        _time = time ?? TimeProvider.System;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => OpenAsync(cancellationToken);

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Before any service stops: no start may run into a stopping host.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _retrying.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the attempt in progress is abandoned.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The first attempt (once; later calls return the same task). Throws when the store cannot be opened and
    /// retrying would not help (see <see cref="ILanternStore.IsTransientOpenFailure"/>); otherwise completes, ready or retrying.</summary>
    public Task OpenAsync(CancellationToken cancellationToken) => _opening ??= OpenOnceAsync(cancellationToken);

    /// <summary>Migrates the schema, then loads every mailbox into memory; idempotent for the migration step.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        await _mailboxes.LoadAsync(cancellationToken).ConfigureAwait(false);
        _store.StartReplication(_mailboxes);
        _loaded = true;
        StorageLog.MailboxesLoaded(_logger, _mailboxes.Count, _store.Description);
    }

    public void Dispose() => _stop.Dispose();

    private async Task OpenOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && _store.IsTransientOpenFailure(ex))
        {
            // One line at start, from the host, with the listeners (no stack trace): the node serves, not ready.
            _startup.Failed(Describe(ex), _time.GetUtcNow());
            _retrying = Task.Run(() => RetryAsync(_stop.Token), CancellationToken.None);
            return;
        }

        // Nothing has queued a start yet: this marks the store ready.
        _startup.Next();
    }

    private async Task RetryAsync(CancellationToken cancellationToken)
    {
        var delay = FirstRetryDelay;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                if (!_loaded)
                {
                    await InitializeAsync(cancellationToken).ConfigureAwait(false);
                }

                while (_startup.Next() is { } start)
                {
                    await start(cancellationToken).ConfigureAwait(false);
                    _startup.Done();
                }

                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Whatever failed, the database may come back: the next attempt decides.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _startup.Failed(Describe(ex), _time.GetUtcNow());
                StorageLog.StillUnreachable(_logger, _store.Description, _startup.Problem, delay.TotalMilliseconds);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }

    // The innermost message names the cause (connection refused, timeout, authentication) without a stack trace.
    private static string Describe(Exception ex)
    {
        var inner = ex;
        while (inner.InnerException is not null && inner is not TimeoutException)
        {
            inner = inner.InnerException;
        }

        return inner == ex || inner.Message.Length == 0 ? ex.Message : ex.Message + ": " + inner.Message;
    }
}
