using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Lantern.Api;
using Lantern.Api.V1;
using Lantern.Mailboxes;

namespace Lantern.Cli;

/// <summary><c>lantern mwi list|show|update|delete|watch|history|externnotify</c>: mailbox state through the REST API of a running server.</summary>
internal static class MwiCommand
{
    private const int MaxPages = 10_000;
    private const int MaxUpdateAttempts = 5;
    private const int MaxWatchReconnects = 5;

    private static readonly TimeSpan WatchReconnectDelay = TimeSpan.FromSeconds(2);

    public static Command Create()
    {
        var globals = new CliGlobalOptions();
        var command = new Command("mwi", "Show and change mailbox (message waiting) state on a running server.");
        globals.AddTo(command);
        command.Subcommands.Add(CreateList(globals));
        command.Subcommands.Add(CreateShow(globals));
        command.Subcommands.Add(CreateUpdate(globals));
        command.Subcommands.Add(CreateDelete(globals));
        command.Subcommands.Add(CreateWatch(globals));
        command.Subcommands.Add(CreateExternNotify(globals));
        command.Subcommands.Add(MwiHistoryCommand.Create(globals));
        return command;
    }

    private static Command CreateList(CliGlobalOptions globals)
    {
        var like = new Option<string?>("--like") { Description = "Only ids matching this regular expression." };
        var waiting = new Option<bool>("--waiting") { Description = "Only mailboxes with new messages." };
        var json = new Option<bool>("--json") { Description = "Machine-readable JSON output." };
        var command = new Command("list", "List mailboxes: Mailbox New Old UrgNew UrgOld Source Updated (voice counts).") { like, waiting, json };
        command.SetAction((parse, ct) => CliStatus.RunAsync(parse, globals, async (api, output, error) =>
        {
            var all = new List<MailboxDto>();
            string? after = null;
            using var progress = CliProgress.For(error);
            for (var page = 0; page < MaxPages; page++)
            {
                if (page > 0)
                {
                    progress.Report("lantern: read " + all.Count.ToString(CultureInfo.InvariantCulture) + " mailboxes…");
                }

                var path = "api/v1/mailboxes?limit=" + MailboxEndpoints.MaxLimit.ToString(CultureInfo.InvariantCulture);
                if (parse.GetValue(like) is { } pattern)
                {
                    path += "&like=" + Uri.EscapeDataString(pattern);
                }

                if (parse.GetValue(waiting))
                {
                    path += "&waiting=true";
                }

                if (after is not null)
                {
                    path += "&after=" + Uri.EscapeDataString(after);
                }

                var response = await api.SendAsync(HttpMethod.Get, path, null, null, ct);
                if (!response.IsSuccess)
                {
                    return await CliStatus.RefusedAsync(error, response);
                }

                var list = JsonSerializer.Deserialize(response.Body, ApiJsonContext.Default.MailboxListDto)!;
                all.AddRange(list.Items);
                after = list.Next;
                if (after is null)
                {
                    break;
                }
            }

            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize<IReadOnlyList<MailboxDto>>(all, ApiJsonContext.Default.IReadOnlyListMailboxDto));
                return CliExitCodes.Ok;
            }

            var table = new CliTable("Mailbox", "New", "Old", "UrgNew", "UrgOld", "Source", "Updated");
            foreach (var m in all)
            {
                var v = m.Counts.Voice ?? new MessageCountsDto(0, 0, 0, 0);
                table.Add(m.Id, N(v.New), N(v.Old), N(v.UrgentNew), N(v.UrgentOld), m.Source, Time(m.UpdatedAt));
            }

            table.WriteTo(output);
            return CliExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command CreateShow(CliGlobalOptions globals)
    {
        var id = new Argument<string>("ID") { Description = "Mailbox id, mailbox[@context]." };
        var json = new Option<bool>("--json") { Description = "Machine-readable JSON output." };
        var command = new Command("show", "Show one mailbox with every message class.") { id, json };
        command.SetAction((parse, ct) => CliStatus.RunAsync(parse, globals, async (api, output, error) =>
        {
            if (!TryId(parse.GetValue(id), error, out var mailboxId))
            {
                return CliExitCodes.Usage;
            }

            var response = await api.SendAsync(HttpMethod.Get, MailboxPath(mailboxId), null, null, ct);
            if (!response.IsSuccess)
            {
                return await CliStatus.RefusedAsync(error, response);
            }

            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(response.Body);
                return CliExitCodes.Ok;
            }

            WriteMailbox(output, JsonSerializer.Deserialize(response.Body, ApiJsonContext.Default.MailboxDto)!);
            return CliExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command CreateUpdate(CliGlobalOptions globals)
    {
        var id = new Argument<string>("ID") { Description = "Mailbox id, mailbox[@context]." };
        var newCount = CountOption("--new", "New messages.");
        var oldCount = CountOption("--old", "Old messages.");
        var urgentNew = CountOption("--urgent-new", "Urgent new messages (part of --new).");
        var urgentOld = CountOption("--urgent-old", "Urgent old messages (part of --old).");
        var cls = new Option<string>("--class") { Description = "Message class.", DefaultValueFactory = _ => "voice" };
        cls.AcceptOnlyFromAmong("voice", "fax", "pager", "multimedia", "text");
        var json = new Option<bool>("--json") { Description = "Print the stored mailbox as JSON." };
        var command = new Command("update", "Set counts of one class; counts not given keep their value.") { id, newCount, oldCount, urgentNew, urgentOld, cls, json };
        command.SetAction((parse, ct) => CliStatus.RunAsync(parse, globals, async (api, output, error) =>
        {
            if (!TryId(parse.GetValue(id), error, out var mailboxId))
            {
                return CliExitCodes.Usage;
            }

            int? n = parse.GetValue(newCount), o = parse.GetValue(oldCount), un = parse.GetValue(urgentNew), uo = parse.GetValue(urgentOld);
            if (n is null && o is null && un is null && uo is null)
            {
                await error.WriteLineAsync("lantern: nothing to update; give at least one of --new, --old, --urgent-new, --urgent-old");
                return CliExitCodes.Usage;
            }

            _ = MailboxMapping.TryParseClass(parse.GetValue(cls), out var messageClass);
            var response = await SetClassAsync(api, mailboxId, messageClass, before => new MessageCountsDto(
                n ?? before.New ?? 0, o ?? before.Old ?? 0, un ?? before.UrgentNew ?? 0, uo ?? before.UrgentOld ?? 0), ct);
            if (!response.IsSuccess)
            {
                return await CliStatus.RefusedAsync(error, response);
            }

            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(response.Body);
            }
            else
            {
                await WriteStoredAsync(output, response, messageClass);
            }

            return CliExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>Read-modify-write of one class guarded by If-Match, so a concurrent writer's change is never overwritten blindly;
    /// the other classes keep their counts.</summary>
    private static async Task<CliResponse> SetClassAsync(
        CliApiClient api, MailboxId mailboxId, MessageClass messageClass, Func<MessageCountsDto, MessageCountsDto> change, CancellationToken ct)
    {
        var path = MailboxPath(mailboxId);
        for (var attempt = 1; ; attempt++)
        {
            var current = await api.SendAsync(HttpMethod.Get, path, null, null, ct);
            MailboxCountsDto counts;
            string? etag = null;
            if (current.Status == HttpStatusCode.NotFound)
            {
                counts = new MailboxCountsDto(new MessageCountsDto(0, 0, 0, 0));
            }
            else if (current.IsSuccess)
            {
                counts = JsonSerializer.Deserialize(current.Body, ApiJsonContext.Default.MailboxDto)!.Counts;
                etag = current.ETag;
            }
            else
            {
                return current;
            }

            var after = change(Get(counts, messageClass) ?? new MessageCountsDto(0, 0, 0, 0));
            var body = JsonSerializer.Serialize(With(counts, messageClass, after), ApiJsonContext.Default.MailboxCountsDto);
            var response = await api.SendAsync(HttpMethod.Put, path, body, etag, ct);
            if (response.Status != HttpStatusCode.PreconditionFailed || attempt >= MaxUpdateAttempts)
            {
                return response;
            }
        }
    }

    private static async Task WriteStoredAsync(TextWriter output, CliResponse response, MessageClass messageClass)
    {
        var stored = JsonSerializer.Deserialize(response.Body, ApiJsonContext.Default.MailboxDto)!;
        var c = Get(stored.Counts, messageClass) ?? new MessageCountsDto(0, 0, 0, 0);
        await output.WriteLineAsync(
            $"{stored.Id} {MailboxMapping.ClassName(messageClass)}: new {N(c.New)} old {N(c.Old)} urgent-new {N(c.UrgentNew)} urgent-old {N(c.UrgentOld)} (version {stored.Version.ToString(CultureInfo.InvariantCulture)})");
    }

    private static Command CreateDelete(CliGlobalOptions globals)
    {
        var id = new Argument<string?>("ID") { Description = "Mailbox id to delete.", Arity = ArgumentArity.ZeroOrOne };
        var like = new Option<string?>("--like") { Description = "Delete every mailbox whose id matches this regular expression." };
        var all = new Option<bool>("--all") { Description = "Delete every mailbox (needs --yes)." };
        var yes = new Option<bool>("--yes") { Description = "Confirm --all." };
        var command = new Command("delete", "Delete one mailbox, those matching --like, or --all --yes; prints how many.") { id, like, all, yes };
        command.SetAction((parse, ct) => CliStatus.RunAsync(parse, globals, async (api, output, error) =>
        {
            var target = parse.GetValue(id);
            var pattern = parse.GetValue(like);
            var everything = parse.GetValue(all);
            var given = (target is null ? 0 : 1) + (pattern is null ? 0 : 1) + (everything ? 1 : 0);
            if (given != 1)
            {
                await error.WriteLineAsync("lantern: give exactly one of ID, --like REGEX or --all --yes");
                return CliExitCodes.Usage;
            }

            if (everything && !parse.GetValue(yes))
            {
                await error.WriteLineAsync("lantern: --all deletes every mailbox; confirm with --yes");
                return CliExitCodes.Usage;
            }

            if (target is not null)
            {
                if (!TryId(target, error, out var mailboxId))
                {
                    return CliExitCodes.Usage;
                }

                var response = await api.SendAsync(HttpMethod.Delete, MailboxPath(mailboxId), null, null, ct);
                if (!response.IsSuccess)
                {
                    return await CliStatus.RefusedAsync(error, response);
                }

                await output.WriteLineAsync("deleted 1");
                return CliExitCodes.Ok;
            }

            var body = JsonSerializer.Serialize(new DeleteWhereRequest(pattern, everything ? true : null), ApiJsonContext.Default.DeleteWhereRequest);
            CliResponse bulk;
            using (var progress = CliProgress.For(error))
            {
                progress.Report("lantern: deleting…");
                bulk = await api.SendAsync(HttpMethod.Post, "api/v1/mailboxes:delete", body, null, ct);
            }

            if (!bulk.IsSuccess)
            {
                return await CliStatus.RefusedAsync(error, bulk);
            }

            var deleted = JsonSerializer.Deserialize(bulk.Body, ApiJsonContext.Default.DeleteWhereResponse)!.Deleted;
            await output.WriteLineAsync("deleted " + deleted.ToString(CultureInfo.InvariantCulture));
            return CliExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command CreateWatch(CliGlobalOptions globals)
    {
        var like = new Option<string?>("--like") { Description = "Only ids matching this regular expression." };
        var json = new Option<bool>("--json") { Description = "Print each event's JSON data, one per line." };
        var command = new Command("watch", "Print each mailbox change as it happens, until Ctrl-C.") { like, json };
        command.SetAction((parse, ct) => CliStatus.RunAsync(parse, globals, async (api, output, error) =>
        {
            var path = "api/v1/events";
            if (parse.GetValue(like) is { } pattern)
            {
                path += "?like=" + Uri.EscapeDataString(pattern);
            }

            // A dropped stream is resumed with Last-Event-ID; only repeated failures in a row end the watch.
            string? lastId = null;
            var failures = 0;
            var connected = false;
            while (true)
            {
                try
                {
                    using var response = await api.OpenStreamAsync(path, lastId, ct);
                    if (!response.IsSuccessStatusCode)
                    {
                        var body = await response.Content.ReadAsStringAsync(ct);
                        return await CliStatus.RefusedAsync(error, new CliResponse(response.StatusCode, body, null));
                    }

                    failures = 0;
                    connected = true;
                    using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
                    string? eventName = null;
                    string? data = null;
                    string? id = null;
                    while (await reader.ReadLineAsync(ct) is { } line)
                    {
                        if (line.Length == 0)
                        {
                            if (data is not null)
                            {
                                await PrintEventAsync(output, error, eventName ?? "message", data, parse.GetValue(json));
                                lastId = id ?? lastId;
                            }

                            (eventName, data, id) = (null, null, null);
                        }
                        else if (line.StartsWith("event:", StringComparison.Ordinal))
                        {
                            eventName = line[6..].Trim();
                        }
                        else if (line.StartsWith("id:", StringComparison.Ordinal))
                        {
                            id = line[3..].Trim();
                        }
                        else if (line.StartsWith("data:", StringComparison.Ordinal))
                        {
                            data = data is null ? line[5..].TrimStart() : data + "\n" + line[5..].TrimStart();
                        }
                    }

                    await error.WriteLineAsync("lantern: the server closed the event stream; reconnecting");
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return CliExitCodes.Ok;
                }
                catch (Exception ex) when (ex is IOException or CliUnreachableException or HttpRequestException)
                {
                    if (!connected || ++failures >= MaxWatchReconnects)
                    {
                        await error.WriteLineAsync("lantern: event stream lost: " + ex.Message);
                        return CliExitCodes.Unreachable;
                    }

                    await error.WriteLineAsync("lantern: event stream lost; reconnecting");
                }

                try
                {
                    await Task.Delay(WatchReconnectDelay, ct);
                }
                catch (OperationCanceledException)
                {
                    return CliExitCodes.Ok;
                }
            }
        }, ct));
        return command;
    }

    /// <summary>The program Asterisk's <c>voicemail.conf</c> <c>externnotify=</c> runs: app_voicemail appends
    /// <c>context extension new old urgent</c>, where new counts INBOX only and urgent the Urgent folder. On its poll path
    /// (<c>pollmailboxes=yes</c>) the context is the empty string and the extension is <c>mailbox@context</c>.</summary>
    private static Command CreateExternNotify(CliGlobalOptions globals)
    {
        var context = new Argument<string>("CONTEXT") { Description = "Voicemail context; empty when EXTENSION is mailbox@context." };
        var extension = new Argument<string>("EXTENSION") { Description = "Mailbox number (or mailbox@context with an empty CONTEXT)." };
        var newCount = new Argument<int>("NEW") { Description = "Messages in INBOX (not counting urgent ones)." };
        var oldCount = new Argument<int>("OLD") { Description = "Messages in Old." };
        var urgent = new Argument<int>("URGENT") { Description = "Messages in Urgent (new and urgent)." };
        var command = new Command("externnotify", "Set a mailbox's voice counts from Asterisk's externnotify line: CONTEXT EXTENSION NEW OLD URGENT.")
        {
            context, extension, newCount, oldCount, urgent,
        };
        command.SetAction((parse, ct) => CliStatus.RunAsync(parse, globals, async (api, output, error) =>
        {
            int n = parse.GetValue(newCount), o = parse.GetValue(oldCount), u = parse.GetValue(urgent);
            if (n < 0 || o < 0 || u < 0)
            {
                await error.WriteLineAsync($"lantern: counts must not be negative (new {N(n)}, old {N(o)}, urgent {N(u)})");
                return CliExitCodes.Usage;
            }

            var ctx = parse.GetValue(context) ?? string.Empty;
            var ext = parse.GetValue(extension) ?? string.Empty;
            if (!TryId(ctx.Length == 0 ? ext : ext + "@" + ctx, error, out var mailboxId))
            {
                return CliExitCodes.Usage;
            }

            // app_voicemail's own MWI event counts INBOX + Urgent as new; urgent is the urgent part of it.
            var voice = new MessageCountsDto((long)n + u, o, u, 0);
            var response = await SetClassAsync(api, mailboxId, MessageClass.Voice, _ => voice, ct);
            if (!response.IsSuccess)
            {
                return await CliStatus.RefusedAsync(error, response);
            }

            await WriteStoredAsync(output, response, MessageClass.Voice);
            return CliExitCodes.Ok;
        }, ct));
        return command;
    }

    private static async Task PrintEventAsync(TextWriter output, TextWriter error, string name, string data, bool json)
    {
        if (name == "resync")
        {
            await error.WriteLineAsync("lantern: some changes were missed; re-read with `lantern mwi list`");
            return;
        }

        if (name != "mailbox")
        {
            return;
        }

        if (json)
        {
            await output.WriteLineAsync(data);
            return;
        }

        var e = JsonSerializer.Deserialize(data, ApiJsonContext.Default.MailboxEventDto)!;
        var v = e.Counts.Voice ?? new MessageCountsDto(0, 0, 0, 0);
        await output.WriteLineAsync(
            $"{Time(e.Time)}  {e.Id}  {e.Kind}  new {N(v.New)} old {N(v.Old)} urgent-new {N(v.UrgentNew)} urgent-old {N(v.UrgentOld)}  waiting {(e.Waiting ? "yes" : "no")}  {e.Source}  v{e.Version.ToString(CultureInfo.InvariantCulture)}");
    }

    private static Option<int?> CountOption(string name, string description)
    {
        var option = new Option<int?>(name) { Description = description };
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && int.TryParse(result.Tokens[0].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value < 0)
            {
                result.AddError($"{name} must not be negative");
            }
        });
        return option;
    }

    internal static bool TryId(string? text, TextWriter error, out MailboxId id)
    {
        if (MailboxId.TryParse(text, out id, out var problem))
        {
            return true;
        }

        error.WriteLine("lantern: " + problem);
        return false;
    }

    internal static string MailboxPath(MailboxId id) => "api/v1/mailboxes/" + Uri.EscapeDataString(id.ToString());

    private static MessageCountsDto? Get(MailboxCountsDto counts, MessageClass cls) => cls switch
    {
        MessageClass.Voice => counts.Voice,
        MessageClass.Fax => counts.Fax,
        MessageClass.Pager => counts.Pager,
        MessageClass.Multimedia => counts.Multimedia,
        _ => counts.Text,
    };

    private static MailboxCountsDto With(MailboxCountsDto counts, MessageClass cls, MessageCountsDto value) => cls switch
    {
        MessageClass.Voice => counts with { Voice = value },
        MessageClass.Fax => counts with { Fax = value },
        MessageClass.Pager => counts with { Pager = value },
        MessageClass.Multimedia => counts with { Multimedia = value },
        _ => counts with { Text = value },
    };

    private static void WriteMailbox(TextWriter output, MailboxDto m)
    {
        var head = new CliTable("Mailbox", m.Id);
        head.Add("Waiting", m.Waiting ? "yes" : "no");
        head.Add("Version", m.Version.ToString(CultureInfo.InvariantCulture));
        head.Add("Source", m.Source);
        head.Add("Updated", Time(m.UpdatedAt));
        if (m.PublicationLapsed)
        {
            head.Add("Lapsed", "yes (the owner's publication expired; counts kept)");
        }

        head.WriteTo(output);
        output.WriteLine();
        var table = new CliTable("Class", "New", "Old", "UrgNew", "UrgOld");
        for (var c = MessageClass.Voice; c <= MessageClass.Text; c++)
        {
            if (Get(m.Counts, c) is { } counts)
            {
                table.Add(MailboxMapping.ClassName(c), N(counts.New), N(counts.Old), N(counts.UrgentNew), N(counts.UrgentOld));
            }
        }

        table.WriteTo(output);
    }

    private static string N(long? value) => (value ?? 0).ToString(CultureInfo.InvariantCulture);

    internal static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
