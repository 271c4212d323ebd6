using System.CommandLine;
using Lantern.Api;

namespace Lantern.Cli;

/// <summary><c>lantern peers</c>: servers allowed to send unsolicited NOTIFY or PUBLISH, with what they sent.</summary>
internal static class PeersCommand
{
    public static Command Create() => CliStatus.CreateListing(
        "peers",
        "Show peers: Name Match Mailbox Auth Pubs Accepted Refused LastRequest LastError.",
        "api/v1/peers",
        ApiJsonContext.Default.StatusListDtoPeerDto,
        items =>
        {
            var table = new CliTable("Name", "Match", "Mailbox", "Auth", "Pubs", "Accepted", "Refused", "LastRequest", "LastError");
            foreach (var p in items)
            {
                table.Add(
                    CliStatus.Cell(p.Name),
                    CliStatus.List(p.Match),
                    CliStatus.Cell(p.Mailbox),
                    CliStatus.YesNo(p.Authenticated),
                    CliStatus.N(p.Publications),
                    CliStatus.N(p.Accepted),
                    CliStatus.N(p.Refused),
                    CliStatus.Time(p.LastRequestAt),
                    CliStatus.Cell(p.LastError));
            }

            return table;
        });
}
