using System.Globalization;
using Lantern.Sip.Messages;
using Lantern.Sip.Transactions;

namespace Lantern.Phones;

/// <summary>Request checks and answers SUBSCRIBE and REGISTER share.</summary>
internal static class PhonesResponses
{
    /// <summary>The requested Expires (null when absent); false after answering <c>400 Malformed Expires</c>.</summary>
    public static bool TryReadExpires(SipServerTransaction tx, out int? expires)
    {
        expires = null;
        if (!tx.Request.HasHeader(SipHeaderId.Expires))
        {
            return true;
        }

        if (!tx.Request.TryGetExpires(out var e) || e < 0)
        {
            tx.Respond(400, "Malformed Expires");
            return false;
        }

        expires = (int)Math.Min(e, int.MaxValue);
        return true;
    }

    /// <summary><c>423 Interval Too Brief</c> with the <c>Min-Expires</c> the client must use.</summary>
    public static void IntervalTooBrief(SipServerTransaction tx, int minExpires) =>
        tx.Respond(tx.CreateResponse(423, "Interval Too Brief").AddHeader(SipHeaderId.MinExpires, minExpires.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Seconds a phone is asked to wait when its request could not be stored.</summary>
    public const string StoreRetryAfter = "5";

    /// <summary>Answers once the store has committed what the answer acknowledges, run by that commit itself
    /// (<see cref="PhonesService.WhenStored(Action{object, bool}, object)"/>): no task, continuation or state machine per request, and the handler is done at once (the stack keeps the request
    /// until its final response, decision 0042). When the commit failed or stalled, <c>503</c> with <c>Retry-After</c> and
    /// <paramref name="unavailable"/> as reason phrase: a <c>200</c> means stored (decision 0036); <paramref name="refused"/>,
    /// when given, then runs after the 503. A failing answer is logged and the request answered <c>500</c>, as the
    /// stack does for a failing handler.</summary>
    public static void AnswerWhenStored<TState>(PhonesService phones, SipServerTransaction tx, string unavailable, TState state, Action<TState> answer, Action<TState>? refused = null) =>
        phones.WhenStored(StoredAnswer<TState>.Run, new StoredAnswer<TState>(phones.Logger, tx, unavailable, state, answer, refused));

    /// <summary><c>503</c> + <c>Retry-After</c> for a request whose state could not be stored.</summary>
    public static void StoreUnavailable(SipServerTransaction tx, string reason) =>
        tx.Respond(tx.CreateResponse(503, reason).AddHeader(SipHeaderId.RetryAfter, StoreRetryAfter));

    private static void AnswerStored<TState>(bool ok, SipServerTransaction tx, string unavailable, TState state, Action<TState> answer, Action<TState>? refused)
    {
        if (ok)
        {
            answer(state);
        }
        else
        {
            StoreUnavailable(tx, unavailable);
            refused?.Invoke(state);
        }
    }

    private sealed class StoredAnswer<TState>(ILogger logger, SipServerTransaction tx, string unavailable, TState state, Action<TState> answer, Action<TState>? refused)
    {
        public static readonly Action<object, bool> Run = static (s, ok) => ((StoredAnswer<TState>)s).Answer(ok);

        private void Answer(bool ok)
        {
            try
            {
                AnswerStored(ok, tx, unavailable, state, answer, refused);
            }
#pragma warning disable CA1031 // Runs on the store's commit: a failing answer must not stop the other requests' answers.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                PhonesLog.AnswerFailed(logger, tx.Request.IsLive ? tx.Request.MethodText : "request", ex);
                if (!tx.HasFinalResponse)
                {
                    tx.Respond(500);
                }
            }
        }
    }
}
