using Lantern.Sip.Stack;
using Lantern.Sip.Transactions;

namespace Lantern.Phones;

/// <summary>Answers SUBSCRIBE or REGISTER with <c>503</c> + <c>Retry-After</c> while the node runs without its store (it
/// started while the database was down): a <c>200</c> means stored (decision 0036).</summary>
internal sealed class StoreStartingHandler : ISipRequestHandler
{
    private readonly string _reason;

    public StoreStartingHandler(string reason) => _reason = reason;

    public ValueTask HandleRequestAsync(SipServerTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        PhonesResponses.StoreUnavailable(transaction, _reason);
        return ValueTask.CompletedTask;
    }
}
