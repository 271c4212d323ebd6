namespace Lantern.Phones;

/// <summary>An operator's "send a NOTIFY now" to an endpoint's contacts.</summary>
internal sealed partial class UnsolicitedNotifier
{
    /// <summary>Marks every part for each contact of the endpoint (when it takes unsolicited NOTIFYs) and returns a task per
    /// contact completing with that NOTIFY's outcome; parts a subscription covers are skipped as usual.</summary>
    public List<(ContactBinding Contact, Task<NotifyOutcome> Outcome)> NotifyNow(string endpointId)
    {
        var result = new List<(ContactBinding, Task<NotifyOutcome>)>();
        var contacts = _registrar.ContactsOf(endpointId);
        var kicks = new List<ContactDelivery>();
        lock (_gate)
        {
            if (!_targets.TryGetValue(endpointId, out var target))
            {
                return result;
            }

            foreach (var c in contacts)
            {
                var d = DeliveryLocked(c);
                if (_holding || d.AwaitingAnswer || d.Removed)
                {
                    result.Add((c, Task.FromResult(NotifyOutcome.NotSent(_holding ? "the server is starting" : "the contact's REGISTER is not answered yet"))));
                    continue;
                }

                var waiter = new TaskCompletionSource<NotifyOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
                (d.Waiters ??= []).Add(waiter);
                for (var i = 0; i < target.Parts.Count; i++)
                {
                    d.Dirty.Add(i);
                }

                result.Add((c, waiter.Task));
                kicks.Add(d);
            }
        }

        foreach (var d in kicks)
        {
            Kick(d);
        }

        return result;
    }
}
