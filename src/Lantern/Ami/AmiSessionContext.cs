using Lantern.Configuration;
using Lantern.Mailboxes;
using Lantern.Status;

namespace Lantern.Ami;

/// <summary>What every session of one server shares.</summary>
internal sealed record AmiSessionContext(
    AmiOptions Options,
    IMailboxService Mailboxes,
    AmiUserDirectory Users,
    TimeProvider Time,
    ILogger Logger,
    AmiMetrics Metrics,
    AmiAnonymousSessions Anonymous,
    ServerClock Clock)
{
    public TimeSpan RegexTimeout { get; } = TimeSpan.FromMilliseconds(Math.Max(1, Options.RegexTimeoutMilliseconds));
}
