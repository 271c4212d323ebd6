using Lantern.Api;
using Lantern.Storage;

namespace Lantern.Hosting;

/// <summary>Ready when the store is open and loaded and answers a ping within <see cref="Bound"/>, so <c>/readyz</c> answers
/// within a second even when the database is frozen.</summary>
internal sealed class StoreReadinessCheck : IReadinessCheck
{
    /// <summary>Longest the ping may take; a frozen database would otherwise hold the probe for the command timeout.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromMilliseconds(700);

    private readonly ILanternStore _store;
    private readonly StoreStartup? _startup;

    public StoreReadinessCheck(ILanternStore store, StoreStartup? startup = null)
    {
        _store = store;
        _startup = startup;
    }

    public string Name => "store";

    public async ValueTask<string?> CheckAsync(CancellationToken cancellationToken)
    {
        if (_startup is { IsReady: false })
        {
            // The node started without its database and keeps trying: say why, without another attempt of our own.
            return $"the store ({_store.Description}) is not connected yet: {_startup.Problem}";
        }

        try
        {
            // Only the wait is bounded, not the ping: cancelling an Npgsql command sends PostgreSQL a cancel request
            // synchronously, which on a frozen server holds the cancelling thread (a timer's) for two connect timeouts.
            // The ping ends on its own within the command timeout.
            var answered = await _store.PingAsync(CancellationToken.None).WaitAsync(Bound, cancellationToken).ConfigureAwait(false);
            return answered ? null : $"the store ({_store.Description}) does not answer";
        }
        catch (TimeoutException)
        {
            return $"the store ({_store.Description}) did not answer within {Bound.TotalMilliseconds:F0} ms";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return $"the store ({_store.Description}) does not answer: {ex.Message}";
        }
    }
}
