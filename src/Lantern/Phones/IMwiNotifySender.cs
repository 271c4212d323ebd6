namespace Lantern.Phones;

/// <summary>The SIP edge of the notifier: sends one NOTIFY and reports its final outcome (never throws for network problems).</summary>
internal interface IMwiNotifySender
{
    /// <summary>Sends a NOTIFY in <paramref name="dialog"/> with <paramref name="cseq"/>, <c>Subscription-State: </c><paramref name="subscriptionState"/>
    /// and the message-summary body for <paramref name="state"/>.</summary>
    ValueTask<NotifyOutcome> SendInDialogAsync(SubscriptionDialog dialog, long cseq, string subscriptionState, MwiSnapshot state, CancellationToken cancellationToken);

    /// <summary>Sends an out-of-dialog NOTIFY (no To tag, <c>Subscription-State: terminated</c>) to one contact.</summary>
    ValueTask<NotifyOutcome> SendUnsolicitedAsync(ContactBinding contact, MwiSnapshot state, CancellationToken cancellationToken);
}
