using Lantern.Phones;

namespace Lantern.Tests.Phones;

/// <summary>One NOTIFY the fake sender saw: in a dialog, or unsolicited to a contact.</summary>
internal sealed record SentNotify(SubscriptionDialog? Dialog, ContactBinding? Contact, long CSeq, string State, MwiSnapshot Body)
{
    public int New => Body.Counts.Voice.New;

    public int Old => Body.Counts.Voice.Old;
}
