using Lantern.Configuration;
using Lantern.Mailboxes;

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
    Lantern.Sip.Auth.AuthFailureTracker? Failures = null)
{
    public TimeSpan RegexTimeout { get; } = TimeSpan.FromMilliseconds(Math.Max(1, Options.RegexTimeoutMilliseconds));
}
