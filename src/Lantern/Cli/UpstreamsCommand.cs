using System.CommandLine;
using Lantern.Api;

namespace Lantern.Cli;

/// <summary><c>lantern upstreams</c>: outbound subscriptions and their state, as Asterisk's <c>sip show mwi</c>.</summary>
internal static class UpstreamsCommand
{
    public static Command Create() => CliStatus.CreateListing(
        "upstreams",
        "Show outbound subscriptions: Name Target Mailbox Transport State Expires LastNotify NextAttempt Failures LastError.",
        "api/v1/upstreams",
        ApiJsonContext.Default.StatusListDtoUpstreamDto,
        items =>
        {
            var table = new CliTable("Name", "Target", "Mailbox", "Transport", "State", "Expires", "LastNotify", "NextAttempt", "Failures", "LastError");
            foreach (var u in items)
            {
                table.Add(
                    CliStatus.Cell(u.Name),
                    CliStatus.Cell(u.Target),
                    CliStatus.Cell(u.Mailbox),
                    CliStatus.Cell(u.Transport),
                    CliStatus.Cell(u.State),
                    u.GrantedExpires is { } e ? CliStatus.N(e) : "-",
                    CliStatus.Time(u.LastNotifyAt),
                    CliStatus.Time(u.NextAttemptAt),
                    CliStatus.N(u.Failures),
                    CliStatus.Cell(u.LastError));
            }

            return table;
        });
}
