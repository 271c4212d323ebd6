using System.Globalization;
using System.Text.RegularExpressions;
using Lantern.Mailboxes;

namespace Lantern.Ami;

/// <summary>The mailbox actions: MWIGet, MWIUpdate, MWIDelete, MailboxCount, MailboxStatus.</summary>
internal sealed partial class AmiSession
{
    private async ValueTask<bool> MwiGetAsync(AmiPacket packet, string? actionId, CancellationToken ct)
    {
        if (!TryPattern(packet, out var pattern, out var problem))
        {
            return await Error("MWIGet", actionId, problem, ct);
        }

        IReadOnlyList<Mailbox> found;
        try
        {
            found = pattern!.Select(_ctx.Mailboxes, _ctx.Time, _ctx.RegexTimeout);
        }
        catch (RegexMatchTimeoutException)
        {
            return await Error("MWIGet", actionId, $"Mailbox regex took longer than {_ctx.Options.RegexTimeoutMilliseconds} ms over all mailboxes (ami.regexTimeoutMilliseconds)", ct);
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
        _ctx.Mailboxes.Actors.Set("ami:" + _user.Name);
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

        _ctx.Mailboxes.Actors.Set("ami:" + _user.Name);

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
            ids = [.. pattern.Select(_ctx.Mailboxes, _ctx.Time, _ctx.RegexTimeout).Select(m => m.Id)];
        }
        catch (RegexMatchTimeoutException)
        {
            return await Error("MWIDelete", actionId, $"Mailbox regex took longer than {_ctx.Options.RegexTimeoutMilliseconds} ms over all mailboxes (ami.regexTimeoutMilliseconds)", ct);
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
}
