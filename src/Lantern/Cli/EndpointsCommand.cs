using System.CommandLine;
using System.Text.Json;
using Lantern.Api;
using Lantern.Api.V1;

namespace Lantern.Cli;

/// <summary><c>lantern endpoints [ID]</c>: the endpoint table, or one endpoint's configuration, contacts and subscriptions.</summary>
internal static class EndpointsCommand
{
    public static Command Create()
    {
        var globals = new CliGlobalOptions();
        var id = new Argument<string?>("ID") { Description = "Show this endpoint in full.", Arity = ArgumentArity.ZeroOrOne };
        var json = CliStatus.JsonOption();
        var notify = new Option<bool>("--notify") { Description = "Send the endpoint its current state now (one NOTIFY per subscription and unsolicited contact) and print each outcome." };
        var command = new Command("endpoints", "Show endpoints: Endpoint Mailboxes Auth Unsolicited Contacts Subs LastNotify; with ID, one endpoint in full.") { id, json, notify };
        globals.AddTo(command);
        command.SetAction((parse, ct) => CliStatus.RunAsync(parse, globals, async (api, output, error) =>
        {
            var target = parse.GetValue(id);
            if (target is not null && (target.Length == 0 || target.Length > StatusEndpoints.MaxIdLength))
            {
                await error.WriteLineAsync($"lantern: the endpoint id must be 1..{StatusEndpoints.MaxIdLength} characters");
                return CliExitCodes.Usage;
            }

            if (parse.GetValue(notify))
            {
                if (target is null)
                {
                    await error.WriteLineAsync("lantern: --notify needs an endpoint ID");
                    return CliExitCodes.Usage;
                }

                return await NotifyAsync(api, output, error, target, parse.GetValue(json), ct);
            }

            var path = target is null ? "api/v1/endpoints" : "api/v1/endpoints/" + Uri.EscapeDataString(target);
            var response = await api.SendAsync(HttpMethod.Get, path, null, null, ct);
            if (!response.IsSuccess)
            {
                return await CliStatus.RefusedAsync(error, response);
            }

            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(target is null ? CliStatus.ItemsJson(response.Body) : response.Body);
                return CliExitCodes.Ok;
            }

            if (target is null)
            {
                WriteList(output, JsonSerializer.Deserialize(response.Body, ApiJsonContext.Default.StatusListDtoEndpointDto)!.Items ?? []);
            }
            else
            {
                WriteEndpoint(output, JsonSerializer.Deserialize(response.Body, ApiJsonContext.Default.EndpointDto)!);
            }

            return CliExitCodes.Ok;
        }, ct));
        return command;
    }

    private static void WriteList(TextWriter output, IReadOnlyList<EndpointDto> items)
    {
        var table = new CliTable("Endpoint", "Mailboxes", "Auth", "Unsolicited", "Contacts", "Subs", "LastNotify");
        foreach (var e in items)
        {
            table.Add(
                CliStatus.Cell(e.Id),
                CliStatus.List(e.Mailboxes),
                CliStatus.Cell(e.Authentication),
                CliStatus.YesNo(e.Unsolicited),
                CliStatus.N(e.Contacts?.Count ?? 0),
                CliStatus.N(e.Subscriptions?.Count ?? 0),
                LastNotify(e.LastNotify));
        }

        table.WriteTo(output);
    }

    private static void WriteEndpoint(TextWriter output, EndpointDto e)
    {
        var head = new CliTable("Endpoint", CliStatus.Cell(e.Id));
        head.Add("Mailboxes", CliStatus.List(e.Mailboxes));
        head.Add("Aggregate", CliStatus.YesNo(e.Aggregate));
        head.Add("VoicemailExt", CliStatus.Cell(e.VoicemailExtension));
        head.Add("Unsolicited", CliStatus.YesNo(e.Unsolicited) + (e.SubscribeReplacesUnsolicited ? " (until it subscribes)" : string.Empty));
        head.Add("OmitUrgent", CliStatus.YesNo(e.OmitUrgent));
        head.Add("Auth", CliStatus.Cell(e.Authentication));
        head.Add("Permit", CliStatus.List(e.Permit));
        head.Add("LastNotify", LastNotify(e.LastNotify));
        head.WriteTo(output);

        output.WriteLine();
        var contacts = new CliTable("Contact", "Origin", "Expires", "Remote", "UserAgent", "LastNotifyOk", "LastFailure");
        foreach (var r in e.Contacts ?? [])
        {
            contacts.Add(
                CliStatus.Cell(r.Contact),
                CliStatus.Cell(r.Origin),
                r.ExpiresAt is null ? "never" : CliStatus.Time(r.ExpiresAt),
                CliStatus.Cell(r.Remote),
                CliStatus.Cell(r.UserAgent),
                CliStatus.Time(r.LastNotifySuccessAt),
                r.LastNotifyFailureAt is null ? "-" : CliStatus.Time(r.LastNotifyFailureAt) + " " + CliStatus.Cell(r.LastNotifyFailure));
        }

        contacts.WriteTo(output);

        output.WriteLine();
        var subscriptions = new CliTable("Subscription", "Mailboxes", "State", "Remote", "Expires", "LastNotify", "Result");
        foreach (var s in e.Subscriptions ?? [])
        {
            subscriptions.Add(
                CliStatus.N(s.Id),
                CliStatus.List(s.Mailboxes),
                CliStatus.Cell(s.State),
                CliStatus.Cell(s.Remote),
                CliStatus.Time(s.ExpiresAt),
                CliStatus.Time(s.LastNotifyAt),
                CliStatus.Cell(s.LastResult));
        }

        subscriptions.WriteTo(output);
    }

    /// <summary>Exit 0 when at least one NOTIFY was sent and every one was delivered; 1 otherwise, with the reason on stderr.</summary>
    private static async Task<int> NotifyAsync(CliApiClient api, TextWriter output, TextWriter error, string id, bool json, CancellationToken ct)
    {
        var response = await api.SendAsync(HttpMethod.Post, "api/v1/endpoints/" + Uri.EscapeDataString(id) + ":notify", null, null, ct);
        if (!response.IsSuccess)
        {
            return await CliStatus.RefusedAsync(error, response);
        }

        var result = JsonSerializer.Deserialize(response.Body, ApiJsonContext.Default.EndpointNotifyDto)!;
        if (json)
        {
            await output.WriteLineAsync(response.Body);
        }
        else
        {
            var table = new CliTable("Kind", "Target", "Result");
            foreach (var o in result.Outcomes)
            {
                table.Add(o.Kind, CliStatus.Cell(o.Target), CliStatus.Cell(o.Result));
            }

            table.WriteTo(output);
        }

        if (result.Sent == 0)
        {
            await error.WriteLineAsync($"lantern: endpoint {id} has no live subscription and no contact to notify");
            return CliExitCodes.Refused;
        }

        if (result.Delivered < result.Sent)
        {
            await error.WriteLineAsync($"lantern: {result.Sent - result.Delivered} of {result.Sent} NOTIFYs were not delivered");
            return CliExitCodes.Refused;
        }

        return CliExitCodes.Ok;
    }

    private static string LastNotify(LastNotifyDto? last) =>
        last is null ? "-" : $"{CliStatus.Time(last.At)} {CliStatus.Cell(last.Result)} ({CliStatus.Cell(last.Kind)})";
}
