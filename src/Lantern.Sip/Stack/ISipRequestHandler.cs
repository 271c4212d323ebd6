using Lantern.Sip.Transactions;

namespace Lantern.Sip.Stack;

/// <summary>Takes requests of the methods it is registered for (<see cref="SipStack.RegisterHandler"/>) and answers them through
/// the server transaction (<see cref="SipServerTransaction.Respond(Lantern.Sip.Messages.SipMessageBuilder)"/>), now or later, from any thread.</summary>
public interface ISipRequestHandler
{
    /// <summary>Called on the stack's serial context for the request's Call-ID: must not block (do I/O asynchronously).
    /// If it throws or its task faults before a final response was given, the stack answers 500. <c>transaction.Request</c> stays
    /// valid for as long as it is referenced: do not dispose it. A request left unanswered for 64·T1 loses its transaction.</summary>
    ValueTask HandleRequestAsync(SipServerTransaction transaction, CancellationToken cancellationToken);
}
