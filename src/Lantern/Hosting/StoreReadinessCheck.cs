using Lantern.Api;
using Lantern.Storage;

namespace Lantern.Hosting;

/// <summary>Ready when the store answers a ping within <see cref="Bound"/>, so <c>/readyz</c> answers within a second
/// even when the database is frozen.</summary>
internal sealed class StoreReadinessCheck : IReadinessCheck
{
    /// <summary>Longest the ping may take; a frozen database would otherwise hold the probe for the command timeout.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromMilliseconds(700);

    private readonly ILanternStore _store;

    public StoreReadinessCheck(ILanternStore store)
    {
        _store = store;
    }

    public string Name => "store";

    public async ValueTask<string?> CheckAsync(CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(Bound);
        try
        {
            // WaitAsync as well: the answer is due on time even if the driver is slow to honour the token.
            var answered = await _store.PingAsync(bounded.Token).WaitAsync(Bound, cancellationToken).ConfigureAwait(false);
            return answered ? null : $"the store ({_store.Description}) does not answer";
        }
        catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return $"the store ({_store.Description}) did not answer within {Bound.TotalMilliseconds:F0} ms";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return $"the store ({_store.Description}) does not answer: {ex.Message}";
        }
    }
}
