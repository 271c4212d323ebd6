namespace Lantern.Phones;

/// <summary>The notifier's answer to a SUBSCRIBE.</summary>
internal enum SubscribeStatus
{
    /// <summary>200 with the granted Expires; a NOTIFY follows once activated.</summary>
    Accepted = 0,

    /// <summary>423 with Min-Expires.</summary>
    IntervalTooBrief = 1,

    /// <summary>503 with Retry-After: the subscription table is full.</summary>
    Overloaded = 2,

    /// <summary>481: an in-dialog SUBSCRIBE for a dialog that does not exist (any more).</summary>
    NoSuchDialog = 3,
}
