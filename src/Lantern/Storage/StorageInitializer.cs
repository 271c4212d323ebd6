using Lantern.Mailboxes;

namespace Lantern.Storage;

/// <summary>Hosted service that migrates the store and loads the mailboxes before anything else serves; register it first.</summary>
internal sealed class StorageInitializer : IHostedService
{
    private readonly ILanternStore _store;
    private readonly MailboxService _mailboxes;
    private readonly ILogger<StorageInitializer> _logger;

    public StorageInitializer(ILanternStore store, MailboxService mailboxes, ILogger<StorageInitializer> logger)
    {
        _store = store;
        _mailboxes = mailboxes;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken) => InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Migrates the schema, then loads every mailbox into memory; idempotent for the migration step.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        await _mailboxes.LoadAsync(cancellationToken).ConfigureAwait(false);
        _store.StartReplication(_mailboxes);
        StorageLog.MailboxesLoaded(_logger, _mailboxes.Count, _store.Description);
    }
}
