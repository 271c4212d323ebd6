using Lantern.Sip.Stack;
using Lantern.Sip.Transactions;

namespace Lantern.Peers;

/// <summary>The stack's handler for PUBLISH and for out-of-dialog NOTIFY: maps the request, lets <see cref="PeersModule"/>
/// decide, and sends its response (off the stack's serial context, since the mailbox write is I/O).</summary>
internal sealed class PeerSipHandler(PeersModule module) : ISipRequestHandler
{
    public ValueTask HandleRequestAsync(SipServerTransaction transaction, CancellationToken cancellationToken)
    {
        var request = PeerSipMessages.ReadRequest(transaction.Request, transaction.Source.Remote.Address);
        _ = AnswerAsync(transaction, request, cancellationToken);
        return ValueTask.CompletedTask;
    }

    private async Task AnswerAsync(SipServerTransaction transaction, PeerRequest request, CancellationToken cancellationToken)
    {
        PeerResponse response;
        try
        {
            response = await module.HandleAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            response = PeerResponse.Of(503, "Service Unavailable");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Never leave a transaction unanswered; the module logs its own failures.
            response = PeerResponse.Of(500, "Server Internal Error");
        }

        transaction.Respond(PeerSipMessages.AddHeaders(transaction.CreateResponse(response.StatusCode, response.Reason), response));
    }
}
