using System.CommandLine;
using Lantern.Api;

namespace Lantern.Cli;

/// <summary><c>lantern registrations</c>: every contact binding with its unsolicited NOTIFY results.</summary>
internal static class RegistrationsCommand
{
    public static Command Create() => CliStatus.CreateListing(
        "registrations",
        "Show contact bindings: Endpoint Contact Origin Expires Remote UserAgent LastNotifyOk LastFailure.",
        "api/v1/registrations",
        ApiJsonContext.Default.StatusListDtoRegistrationDto,
        items =>
        {
            var table = new CliTable("Endpoint", "Contact", "Origin", "Expires", "Remote", "UserAgent", "LastNotifyOk", "LastFailure");
            foreach (var r in items)
            {
                table.Add(
                    CliStatus.Cell(r.EndpointId),
                    CliStatus.Cell(r.Contact),
                    CliStatus.Cell(r.Origin),
                    r.ExpiresAt is null ? "never" : CliStatus.Time(r.ExpiresAt),
                    CliStatus.Cell(r.Remote),
                    CliStatus.Cell(r.UserAgent),
                    CliStatus.Time(r.LastNotifySuccessAt),
                    r.LastNotifyFailureAt is null ? "-" : CliStatus.Time(r.LastNotifyFailureAt) + " " + CliStatus.Cell(r.LastNotifyFailure));
            }

            return table;
        });
}
