using System.Net;

namespace Lantern.Sip.Auth;

/// <summary>Failures of one source address or one user name within the current window, and the ban in force.</summary>
internal sealed class FailureEntry
{
    public DateTimeOffset WindowStart { get; set; }

    public int Failures { get; set; }

    public DateTimeOffset BannedUntil { get; set; } = DateTimeOffset.MinValue;

    /// <summary>For a user: the last addresses it authenticated from, which a lock on the user does not shut out.</summary>
    public IPAddress?[]? GoodAddresses { get; set; }
}
