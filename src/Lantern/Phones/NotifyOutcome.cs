namespace Lantern.Phones;

/// <summary>The final result of one NOTIFY: its kind, the status code when a response came, and a reason for logs and status pages.</summary>
internal readonly record struct NotifyOutcome(NotifyOutcomeKind Kind, int StatusCode, string Reason)
{
    public bool Delivered => Kind == NotifyOutcomeKind.Delivered;

    /// <summary>Whether an in-dialog NOTIFY with this result ends the subscription (RFC 6665 §4.2.2).</summary>
    public bool EndsSubscription => Kind is NotifyOutcomeKind.DialogGone or NotifyOutcomeKind.Timeout or NotifyOutcomeKind.TransportError;

    public static NotifyOutcome FromStatus(int statusCode, string reasonPhrase) => statusCode switch
    {
        >= 200 and < 300 => new(NotifyOutcomeKind.Delivered, statusCode, reasonPhrase),
        481 => new(NotifyOutcomeKind.DialogGone, statusCode, reasonPhrase),
        _ => new(NotifyOutcomeKind.Rejected, statusCode, reasonPhrase),
    };

    public static NotifyOutcome TimedOut { get; } = new(NotifyOutcomeKind.Timeout, 0, "timeout");

    /// <summary>For an operator's request that could not be sent (subscription ended, contact not announced yet).</summary>
    public static NotifyOutcome NotSent(string reason) => new(NotifyOutcomeKind.Rejected, 0, "not sent: " + reason);

    /// <summary>Completes operator requests waiting for a NOTIFY; a no-op for none.</summary>
    public static void Complete(List<TaskCompletionSource<NotifyOutcome>>? waiters, NotifyOutcome outcome)
    {
        if (waiters is null)
        {
            return;
        }

        foreach (var w in waiters)
        {
            w.TrySetResult(outcome);
        }
    }

    public static NotifyOutcome TransportFailed(string error) => new(NotifyOutcomeKind.TransportError, 0, error);

    /// <summary>Short text for status tables: <c>200 OK</c>, <c>timeout</c>, <c>transport: refused</c>.</summary>
    public override string ToString() => StatusCode > 0
        ? StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + Reason
        : Kind == NotifyOutcomeKind.TransportError ? "transport: " + Reason : Reason;
}
