using System.Globalization;
using System.Text.RegularExpressions;
using Lantern.Mailboxes;

namespace Lantern.Ami;

/// <summary>The actions of api.md §2.</summary>
internal sealed partial class AmiSession
{
    /// <summary>Handles one packet; false when the session must close afterwards.</summary>
    private async ValueTask<bool> HandleAsync(AmiPacket packet, CancellationToken ct)
    {
        var action = packet.Action;
        var actionId = packet.ActionId;
        if (string.IsNullOrEmpty(action))
        {
            _ctx.Metrics.Action("missing", success: false);
            await SendAsync(AmiMessages.Error(actionId, "Missing action in request"), ct);
            return true;
        }

        var name = action.ToUpperInvariant();
        if (_user is null && name is not ("LOGIN" or "LOGOFF"))
        {
            _ctx.Metrics.Action("denied", success: false);
            await SendAsync(AmiMessages.Error(actionId, "Permission denied"), ct);
            return true;
        }

        try
        {
            return name switch
            {
                "LOGIN" => await LoginAsync(packet, actionId, ct),
                "LOGOFF" => await LogoffAsync(actionId, ct),
                "PING" => await PingAsync(actionId, ct),
                "EVENTS" => await EventsAsync(packet, actionId, ct),
                "MWIGET" => await MwiGetAsync(packet, actionId, ct),
                "MWIUPDATE" => await MwiUpdateAsync(packet, actionId, ct),
                "MWIDELETE" => await MwiDeleteAsync(packet, actionId, ct),
                "MAILBOXCOUNT" => await MailboxCountAsync(packet, actionId, ct),
                "MAILBOXSTATUS" => await MailboxStatusAsync(packet, actionId, ct),
                _ => await Reply("other", AmiMessages.Error(actionId, "Invalid/unknown command"), false, ct),
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not System.Threading.Channels.ChannelClosedException)
        {
            // A failing store or a bug in one action answers that action and keeps the session.
            AmiLog.ActionFailed(_ctx.Logger, Id, name, ex);
            return await Reply(name, AmiMessages.Error(actionId, "Internal error: " + ex.GetType().Name), false, ct);
        }
    }

    private async ValueTask<bool> Reply(string metricAction, byte[] packet, bool success, CancellationToken ct)
    {
        _ctx.Metrics.Action(metricAction, success);
        await SendAsync(packet, ct);
        return true;
    }

    private ValueTask<bool> Error(string metricAction, string? actionId, string message, CancellationToken ct) =>
        Reply(metricAction, AmiMessages.Error(actionId, message), false, ct);

    private async ValueTask<bool> LoginAsync(AmiPacket packet, string? actionId, CancellationToken ct)
    {
        if (_user is not null)
        {
            return await Reply("Login", AmiMessages.Success(actionId, "Already authenticated"), true, ct);
        }

        var userName = packet.Get("Username") ?? string.Empty;
        var user = _ctx.Users.Authenticate(userName, packet.Get("Secret"));
        if (user is null)
        {
            _loginFailures++;
            _ctx.Metrics.LoginFailed();
            AmiLog.LoginFailed(_ctx.Logger, Id, userName, Remote);
            if (_ctx.Options.LoginFailureDelayMilliseconds > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(_ctx.Options.LoginFailureDelayMilliseconds), _ctx.Time, ct);
            }

            await Error("Login", actionId, "Authentication failed", ct);
            return _ctx.Options.MaxLoginFailures <= 0 || _loginFailures < _ctx.Options.MaxLoginFailures;
        }

        if (!_ctx.Users.TryAcquire(user))
        {
            AmiLog.TooManyUserSessions(_ctx.Logger, Id, user.Name, _ctx.Users.MaxSessionsPerUser);
            return await Error("Login", actionId, $"Too many sessions for user {user.Name} (maxConnectionsPerUser {_ctx.Users.MaxSessionsPerUser})", ct);
        }

        _eventsOn = !IsOff(packet.Get("Events"));
        AmiLog.LoginSucceeded(_ctx.Logger, Id, user.Name, Remote);
        await Reply("Login", AmiMessages.Success(actionId, "Authentication accepted"), true, ct);
        await SendAsync(AmiMessages.FullyBooted(), ct);

        // Set last so no event overtakes the login answer.
        _user = user;
        return true;
    }

    private async ValueTask<bool> LogoffAsync(string? actionId, CancellationToken ct)
    {
        await Reply("Logoff", AmiMessages.Goodbye(actionId), true, ct);
        return false;
    }

    private ValueTask<bool> PingAsync(string? actionId, CancellationToken ct)
    {
        var ticks = _ctx.Time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var timestamp = string.Create(
            CultureInfo.InvariantCulture, $"{ticks / TimeSpan.TicksPerSecond}.{ticks % TimeSpan.TicksPerSecond / TimeSpan.TicksPerMicrosecond:D6}");
        var reply = new AmiMessageBuilder().Add("Response", "Success").AddActionId(actionId)
            .Add("Ping", "Pong").Add("Timestamp", timestamp).ToBytes();
        return Reply("Ping", reply, true, ct);
    }

    private ValueTask<bool> EventsAsync(AmiPacket packet, string? actionId, CancellationToken ct)
    {
        var mask = packet.Get("EventMask");
        if (string.IsNullOrEmpty(mask))
        {
            return Error("Events", actionId, "Invalid EventMask: the EventMask key is missing (use on or off)", ct);
        }

        _eventsOn = !IsOff(mask);
        var reply = new AmiMessageBuilder().Add("Response", "Success").AddActionId(actionId)
            .Add("Events", _eventsOn ? "On" : "Off").ToBytes();
        return Reply("Events", reply, true, ct);
    }

    private async ValueTask<bool> MwiGetAsync(AmiPacket packet, string? actionId, CancellationToken ct)
    {
        if (!TryPattern(packet, out var pattern, out var problem))
        {
            return await Error("MWIGet", actionId, problem, ct);
        }

        IReadOnlyList<Mailbox> found;
        try
        {
            found = pattern!.Select(_ctx.Mailboxes);
        }
        catch (RegexMatchTimeoutException)
        {
            return await Error("MWIGet", actionId, $"Mailbox regex took longer than {_ctx.Options.RegexTimeoutMilliseconds} ms per id", ct);
        }

        var start = new AmiMessageBuilder().Add("Response", "Success").AddActionId(actionId)
            .Add("EventList", "start").Add("Message", "Mailboxes will follow").ToBytes();
        await Reply("MWIGet", start, true, ct);
        foreach (var m in found)
        {
            await SendAsync(new AmiMessageBuilder().Add("Event", "MWIGet").AddActionId(actionId)
                .Add("Mailbox", m.Id.ToString()).Add("OldMessages", m.Counts.Voice.Old).Add("NewMessages", m.Counts.Voice.New).ToBytes(), ct);
        }

        await SendAsync(new AmiMessageBuilder().Add("Event", "MWIGetComplete").AddActionId(actionId)
            .Add("EventList", "Complete").Add("ListItems", found.Count).ToBytes(), ct);
        return true;
    }

    private async ValueTask<bool> MwiUpdateAsync(AmiPacket packet, string? actionId, CancellationToken ct)
    {
        if (!_user!.Write)
        {
            return await Error("MWIUpdate", actionId, "Permission denied", ct);
        }

        var text = packet.Get("Mailbox");
        if (string.IsNullOrEmpty(text))
        {
            return await Error("MWIUpdate", actionId, "Missing mailbox parameter in request", ct);
        }

        if (!MailboxId.TryParse(text, out var id, out var idError))
        {
            return await Error("MWIUpdate", actionId, "Invalid Mailbox: " + idError, ct);
        }

        if (!TryCount(packet, "OldMessages", out var oldCount, out var problem) ||
            !TryCount(packet, "NewMessages", out var newCount, out problem))
        {
            return await Error("MWIUpdate", actionId, problem, ct);
        }

        // As ARI and res_mwi_external: voice new/old set, voice urgent cleared, other classes kept.
        var update = MailboxUpdate.SetClass(MessageClass.Voice, newCount, oldCount, 0, 0);
        var result = await _ctx.Mailboxes.UpdateAsync(id, MailboxSource.Api, update, null, ct);
        return result.Succeeded
            ? await Reply("MWIUpdate", AmiMessages.Success(actionId, "Update completed"), true, ct)
            : await Error("MWIUpdate", actionId, Describe(id, result), ct);
    }

    private async ValueTask<bool> MwiDeleteAsync(AmiPacket packet, string? actionId, CancellationToken ct)
    {
        if (!_user!.Write)
        {
            return await Error("MWIDelete", actionId, "Permission denied", ct);
        }

        if (!TryPattern(packet, out var pattern, out var problem))
        {
            return await Error("MWIDelete", actionId, problem, ct);
        }

        if (pattern!.Regex is null)
        {
            var result = await _ctx.Mailboxes.DeleteAsync(pattern.Id, MailboxSource.Api, ct);
            return result.Succeeded
                ? await Reply("MWIDelete", AmiMessages.Success(actionId, "Mailbox deleted"), true, ct)
                : await Error("MWIDelete", actionId, Describe(pattern.Id, result), ct);
        }

        // The regex runs outside the store's write transaction, so a runaway pattern cannot abort a half-done delete.
        HashSet<MailboxId> ids;
        try
        {
            ids = [.. pattern.Select(_ctx.Mailboxes).Select(m => m.Id)];
        }
        catch (RegexMatchTimeoutException)
        {
            return await Error("MWIDelete", actionId, $"Mailbox regex took longer than {_ctx.Options.RegexTimeoutMilliseconds} ms per id", ct);
        }

        var deleted = ids.Count == 0 ? 0 : await _ctx.Mailboxes.DeleteWhereAsync(ids.Contains, MailboxSource.Api, ct);
        return await Reply("MWIDelete", AmiMessages.Success(actionId, $"{deleted} mailboxes deleted"), true, ct);
    }

    private async ValueTask<bool> MailboxCountAsync(AmiPacket packet, string? actionId, CancellationToken ct)
    {
        if (!TryMailboxId(packet, out var id, out var problem))
        {
            return await Error("MailboxCount", actionId, problem, ct);
        }

        // An unknown mailbox has no messages, as in Asterisk.
        var voice = _ctx.Mailboxes.Find(id)?.Counts.Voice ?? MessageCounts.Zero;
        var reply = new AmiMessageBuilder().Add("Response", "Success").AddActionId(actionId)
            .Add("Message", "Mailbox Message Count").Add("Mailbox", id.ToString())
            .Add("UrgMessages", voice.UrgentNew).Add("NewMessages", voice.New).Add("OldMessages", voice.Old).ToBytes();
        return await Reply("MailboxCount", reply, true, ct);
    }

    private async ValueTask<bool> MailboxStatusAsync(AmiPacket packet, string? actionId, CancellationToken ct)
    {
        if (!TryMailboxId(packet, out var id, out var problem))
        {
            return await Error("MailboxStatus", actionId, problem, ct);
        }

        var waiting = _ctx.Mailboxes.Find(id)?.Waiting ?? false;
        var reply = new AmiMessageBuilder().Add("Response", "Success").AddActionId(actionId)
            .Add("Message", "Mailbox Status").Add("Mailbox", id.ToString()).Add("Waiting", waiting ? 1 : 0).ToBytes();
        return await Reply("MailboxStatus", reply, true, ct);
    }

    private bool TryPattern(AmiPacket packet, out AmiMailboxPattern? pattern, out string problem)
    {
        pattern = null;
        var text = packet.Get("Mailbox");
        if (string.IsNullOrEmpty(text))
        {
            problem = "Missing mailbox parameter in request";
            return false;
        }

        return AmiMailboxPattern.TryParse(text, _ctx.RegexTimeout, out pattern, out problem);
    }

    private static bool TryMailboxId(AmiPacket packet, out MailboxId id, out string problem)
    {
        id = default;
        var text = packet.Get("Mailbox");
        if (string.IsNullOrEmpty(text))
        {
            problem = "Mailbox not specified";
            return false;
        }

        if (!MailboxId.TryParse(text, out id, out problem))
        {
            problem = "Invalid Mailbox: " + problem;
            return false;
        }

        return true;
    }

    /// <summary>A missing or empty count is 0; anything but a decimal 0..2147483647 is refused, never wrapped.</summary>
    private static bool TryCount(AmiPacket packet, string key, out int count, out string problem)
    {
        var text = packet.Get(key);
        problem = string.Empty;
        count = 0;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out count))
        {
            return true;
        }

        problem = $"Invalid {key}: {text}";
        return false;
    }

    private static string Describe(MailboxId id, MailboxWriteResult result) => result.Status switch
    {
        MailboxWriteStatus.NotFound => "Mailbox not found",
        MailboxWriteStatus.OwnedByOther when result.Mailbox is not null =>
            $"Mailbox {id} is owned by {result.Mailbox.Source}; only its owner may change it",
        MailboxWriteStatus.Unavailable => "Store unavailable: " + result.Error,
        _ => string.IsNullOrEmpty(result.Error) ? $"Update of {id} refused ({result.Status})" : result.Error,
    };

    private static bool IsOff(string? value) =>
        value is not null && (value.Equals("off", StringComparison.OrdinalIgnoreCase)
            || value.Equals("no", StringComparison.OrdinalIgnoreCase)
            || value.Equals("false", StringComparison.OrdinalIgnoreCase)
            || value == "0");
}
