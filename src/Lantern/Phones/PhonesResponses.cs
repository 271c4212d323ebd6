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

    /// <summary>Answers once <paramref name="stored"/> (the commit of what the answer acknowledges) completes: at once when it
    /// already has, so the common case costs no state machine.</summary>
    public static ValueTask AnswerWhenStored<TState>(Task stored, TState state, Action<TState> answer)
    {
        if (stored.IsCompleted)
        {
            answer(state);
            return ValueTask.CompletedTask;
        }

        return AnswerAfterAsync(stored, state, answer);
    }

    private static async ValueTask AnswerAfterAsync<TState>(Task stored, TState state, Action<TState> answer)
    {
        await stored;
        answer(state);
    }
}
