using System.CommandLine;
using Lantern.Api;

namespace Lantern.Cli;

/// <summary><c>lantern subscriptions</c>: live MWI subscriptions, as Asterisk's <c>sip show subscriptions</c>.</summary>
internal static class SubscriptionsCommand
{
    public static Command Create() => CliStatus.CreateListing(
        "subscriptions",
        "Show live MWI subscriptions: Id Endpoint Mailboxes State Remote CallId Expires LastNotify Result.",
        "api/v1/subscriptions",
        ApiJsonContext.Default.StatusListDtoSubscriptionDto,
        items =>
        {
            var table = new CliTable("Id", "Endpoint", "Mailboxes", "State", "Remote", "CallId", "Expires", "LastNotify", "Result");
            foreach (var s in items)
            {
                table.Add(
                    CliStatus.N(s.Id),
                    s.EndpointId is null ? (s.Trusted ? "(trusted)" : "-") : CliStatus.Cell(s.EndpointId),
                    CliStatus.List(s.Mailboxes),
                    CliStatus.Cell(s.State),
                    CliStatus.Cell(s.Remote),
                    CliStatus.Cell(s.CallId),
                    CliStatus.Time(s.ExpiresAt),
                    CliStatus.Time(s.LastNotifyAt),
                    CliStatus.Cell(s.LastResult));
            }

            return table;
        });
}
