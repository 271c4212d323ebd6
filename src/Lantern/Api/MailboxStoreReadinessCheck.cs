using Lantern.Mailboxes;

namespace Lantern.Api;

/// <summary>Ready once the mailbox service has loaded the committed state from the store.</summary>
internal sealed class MailboxStoreReadinessCheck : IReadinessCheck
{
    private readonly MailboxService? _mailboxes;

    public MailboxStoreReadinessCheck(IServiceProvider services) => _mailboxes = services.GetService<MailboxService>();

    public string Name => "store";

    public ValueTask<string?> CheckAsync(CancellationToken cancellationToken) => ValueTask.FromResult(
        _mailboxes is null ? "no mailbox service is registered"
        : _mailboxes.IsLoaded ? null
        : "the mailbox store is not loaded yet");
}
