using System.Globalization;

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
        var address = (Remote as System.Net.IPEndPoint)?.Address;
        var failures = address is null ? null : _ctx.Failures;
        if (failures?.IsBanned(address!) == true)
        {
            _ctx.Metrics.LoginFailed();
            await Error("Login", actionId, "Too many failed logins from this address (sip.authFailures); try again later", ct);
            return false;
        }

        var user = _ctx.Users.Authenticate(userName, packet.Get("Secret"));
        if (user is null)
        {
            _loginFailures++;
            _ctx.Metrics.LoginFailed();
            var inWindow = 1;
            failures?.RecordFailure(address!, null, out inWindow);
            if (inWindow == 1)
            {
                // The first failure of a window is logged; the ban, if it comes, is logged by the tracker.
                AmiLog.LoginFailed(_ctx.Logger, Id, userName, Remote);
            }

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

        _slot = user;
        _eventsOn = !IsOff(packet.Get("Events"));
        LeaveAnonymous();
        AmiLog.LoginSucceeded(_ctx.Logger, Id, user.Name, Remote);
        await Reply("Login", AmiMessages.Success(actionId, "Authentication accepted"), true, ct);
        await SendAsync(AmiMessages.FullyBooted(_ctx.Clock.UptimeSeconds, _ctx.Clock.LastReloadSeconds), ct);

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

    private static bool IsOff(string? value) =>
        value is not null && (value.Equals("off", StringComparison.OrdinalIgnoreCase)
            || value.Equals("no", StringComparison.OrdinalIgnoreCase)
            || value.Equals("false", StringComparison.OrdinalIgnoreCase)
            || value == "0");
}
