namespace Lantern.Phones;

/// <summary>Unsolicited NOTIFY state of one contact: parts waiting to be sent, the one in flight, and the last results.
/// Owned by <see cref="UnsolicitedNotifier"/> and changed only under its lock.</summary>
internal sealed class ContactDelivery
{
    public ContactDelivery(ContactBinding binding) => Binding = binding;

    /// <summary>The newest binding for this contact (a re-REGISTER may change the flow).</summary>
    public ContactBinding Binding { get; set; }

    /// <summary>Indexes of the endpoint's parts waiting for a NOTIFY.</summary>
    public HashSet<int> Dirty { get; } = [];

    public bool InFlight { get; set; }

    /// <summary>A REGISTER of this contact waits for its 200: changes are marked but not sent until the binding is announced.</summary>
    public bool AwaitingAnswer { get; set; }

    public bool Removed { get; set; }

    public DateTimeOffset? LastSuccessAt { get; set; }

    public DateTimeOffset? LastFailureAt { get; set; }

    public string? LastFailure { get; set; }

    /// <summary>The last NOTIFY to this contact failed: its next re-REGISTER triggers one.</summary>
    public bool LastFailed { get; set; }

    /// <summary>Operator requests (<c>:notify</c>) waiting for the next NOTIFY's outcome; null when none (the usual case).</summary>
    public List<TaskCompletionSource<NotifyOutcome>>? Waiters { get; set; }
}
