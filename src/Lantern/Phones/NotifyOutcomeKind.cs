namespace Lantern.Phones;

/// <summary>How a NOTIFY ended.</summary>
internal enum NotifyOutcomeKind
{
    /// <summary>A 2xx response.</summary>
    Delivered = 0,

    /// <summary>A final non-2xx response other than 481.</summary>
    Rejected = 1,

    /// <summary>481: the subscriber no longer knows the dialog.</summary>
    DialogGone = 2,

    /// <summary>No final response before Timer F.</summary>
    Timeout = 3,

    /// <summary>The transport could not send it (connection refused or closed, no route).</summary>
    TransportError = 4,
}
