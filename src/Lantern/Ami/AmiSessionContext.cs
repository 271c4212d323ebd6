using Lantern.Configuration;
using Lantern.Mailboxes;
using Lantern.Status;

namespace Lantern.Ami;

/// <summary>What every session of one server shares.</summary>
/// <param name="Failures">The shared fail2ban tracker that Login failures count towards; null when <c>sip.authFailures.ami</c> is off.</param>
internal sealed record AmiSessionContext(
    AmiOptions Options,
    IMailboxService Mailboxes,
    AmiUserDirectory Users,
    TimeProvider Time,
    ILogger Logger,
    AmiMetrics Metrics,
    AmiAnonymousSessions Anonymous,
    ServerClock Clock,
    Lantern.Sip.Auth.AuthFailureTracker? Failures = null)
{
    public TimeSpan RegexTimeout { get; } = TimeSpan.FromMilliseconds(Math.Max(1, Options.RegexTimeoutMilliseconds));
}
