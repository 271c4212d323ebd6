using Lantern.Sip.Stack;
using Lantern.Sip.Transactions;

namespace Lantern.Upstreams;

/// <summary>The stack's NOTIFY handler: in-dialog NOTIFYs (with a To tag) go to the upstream owning the Call-ID
/// (<c>481</c> when none does); out-of-dialog ones go to <paramref name="outOfDialog"/> (the peers feature) or get <c>403</c>.</summary>
internal sealed class UpstreamNotifyHandler(UpstreamsModule module, ISipRequestHandler? outOfDialog) : ISipRequestHandler
{
    /// <summary>DI key under which the handler for out-of-dialog NOTIFYs is registered (by the peers feature).</summary>
    public const string OutOfDialogKey = "notify:out-of-dialog";

    public ValueTask HandleRequestAsync(SipServerTransaction transaction, CancellationToken cancellationToken)
    {
        if (transaction.Request.ToTag is null)
        {
            if (outOfDialog is not null)
            {
                return outOfDialog.HandleRequestAsync(transaction, cancellationToken);
            }

            transaction.Respond(403, "Forbidden (unknown source)");
            return ValueTask.CompletedTask;
        }

        // Answer off the stack's serial context: the mailbox write is I/O.
        var notify = UpstreamSipMessages.ReadNotify(transaction.Request);
        _ = AnswerAsync(transaction, notify, cancellationToken);
        return ValueTask.CompletedTask;
    }

    private async Task AnswerAsync(SipServerTransaction transaction, UpstreamNotify notify, CancellationToken cancellationToken)
    {
        UpstreamNotifyResult result;
        try
        {
            result = await module.TryHandleNotifyAsync(notify, cancellationToken).ConfigureAwait(false) ?? UpstreamNotifyResult.NoSubscription;
        }
        catch (OperationCanceledException)
        {
            result = new UpstreamNotifyResult(503, "Service Unavailable");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Never leave a transaction unanswered; the subscriber logs its own failures.
            result = new UpstreamNotifyResult(500, "Server Internal Error");
        }

        transaction.Respond(result.StatusCode, result.Reason);
    }
}
