using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Lantern.Api;
using Lantern.Api.V1;

namespace Lantern.Cli;

/// <summary><c>lantern mwi history ID</c>: a mailbox's last changes, who made them and the counts before and after.</summary>
internal static class MwiHistoryCommand
{
    public static Command Create(CliGlobalOptions globals)
    {
        var id = new Argument<string>("ID") { Description = "Mailbox id, mailbox[@context]." };
        var json = new Option<bool>("--json") { Description = "Machine-readable JSON output." };
        var command = new Command("history", "Show a mailbox's last 100 changes, newest first: Time Change Actor Version Before After.") { id, json };
        command.SetAction((parse, ct) => CliStatus.RunAsync(parse, globals, async (api, output, error) =>
        {
            if (!MwiCommand.TryId(parse.GetValue(id), error, out var mailboxId))
            {
                return CliExitCodes.Usage;
            }

            var response = await api.SendAsync(HttpMethod.Get, MwiCommand.MailboxPath(mailboxId) + "/history", null, null, ct);
            if (!response.IsSuccess)
            {
                return await CliStatus.RefusedAsync(error, response);
            }

            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(response.Body);
                return CliExitCodes.Ok;
            }

            var history = JsonSerializer.Deserialize(response.Body, ApiJsonContext.Default.MailboxHistoryDto)!;
            var table = new CliTable("Time", "Change", "Actor", "Version", "Before", "After");
            foreach (var h in history.Items)
            {
                table.Add(MwiCommand.Time(h.Time), h.Kind, h.Actor, h.Version.ToString(CultureInfo.InvariantCulture), Summary(h.OldCounts), Summary(h.NewCounts));
            }

            table.WriteTo(output);
            if (!history.Exists)
            {
                await output.WriteLineAsync($"(mailbox {history.Id} does not exist now)");
            }

            return CliExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>Counts as <c>voice 2/1 fax 1/0</c> (new/old), urgent parts as <c>!1/0</c>; <c>-</c> when there were none.</summary>
    internal static string Summary(MailboxCountsDto? counts)
    {
        if (counts is null)
        {
            return "-";
        }

        var text = new StringBuilder();
        Append(text, "voice", counts.Voice ?? new MessageCountsDto(0, 0, 0, 0));
        Append(text, "fax", counts.Fax);
        Append(text, "pager", counts.Pager);
        Append(text, "multimedia", counts.Multimedia);
        Append(text, "text", counts.Text);
        return text.ToString();
    }

    private static void Append(StringBuilder text, string name, MessageCountsDto? c)
    {
        if (c is null)
        {
            return;
        }

        if (text.Length > 0)
        {
            text.Append(' ');
        }

        text.Append(CultureInfo.InvariantCulture, $"{name} {c.New ?? 0}/{c.Old ?? 0}");
        if (c.UrgentNew > 0 || c.UrgentOld > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" !{c.UrgentNew ?? 0}/{c.UrgentOld ?? 0}");
        }
    }
}
