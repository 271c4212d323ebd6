using Lantern.Mailboxes;

namespace Lantern.Import;

/// <summary>Mapping steps that sip.conf and pjsip.conf share: same Asterisk value syntax, same report wording.</summary>
internal static class AsteriskMapping
{
    public const string NotUsed = "not used by Lantern (call handling)";

    public static bool IsTrue(string value) =>
        value.ToLowerInvariant() is "yes" or "true" or "y" or "t" or "1" or "on";

    /// <summary>Reports every setting as ignored for <paramref name="reason"/> (a section Lantern does not import).</summary>
    public static void IgnoreAll(IEnumerable<AsteriskSetting> settings, string reason, ImportBuilder builder)
    {
        var report = new PendingReport();
        foreach (var s in settings)
        {
            report.Ignored(s, reason);
        }

        report.Drop(builder.Report, string.Empty);
    }

    /// <summary>Reads a positive number of seconds, or reports the setting as ignored.</summary>
    public static bool TryParseSeconds(AsteriskSetting s, PendingReport report, out int seconds)
    {
        if (ImportBuilder.TryParseInt(s.Value, 1, out seconds))
        {
            return true;
        }

        report.Ignored(s, "not a positive number of seconds");
        return false;
    }

    /// <summary>Whether the value is a valid voicemail extension; reports the setting as ignored when not.</summary>
    public static bool IsExtension(AsteriskSetting s, PendingReport report)
    {
        if (MailboxId.IsValidPart(s.Value))
        {
            return true;
        }

        report.Ignored(s, "not a valid extension ([A-Za-z0-9_.*#+-])");
        return false;
    }

    public static void MapVoicemailExtension(AsteriskSetting s, EndpointDraft draft)
    {
        if (IsExtension(s, draft.Report))
        {
            draft.VoicemailExtension = s.Value;
            draft.Report.Mapped(s, "voicemailExtension");
        }
    }

    /// <summary>
    /// Adds the valid ids of a mailbox list (<c>,</c> or <c>&amp;</c> separated) to the draft and reports the setting
    /// as mapped to <paramref name="path"/>, naming the ids it dropped.
    /// </summary>
    /// <param name="anyListCounts">
    /// True where every list of the section feeds one mailbox list (chan_sip): a list with no valid id is then ignored
    /// only if the draft has no mailbox at all; otherwise it is ignored when it adds none itself.
    /// </param>
    public static void MapMailboxes(AsteriskSetting s, EndpointDraft draft, string path, bool anyListCounts)
    {
        var added = 0;
        var bad = new List<string>();
        foreach (var raw in s.Value.Split([',', '&'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (MailboxId.TryParse(raw, out var id, out _))
            {
                draft.AddMailbox(id.ToString());
                added++;
            }
            else
            {
                bad.Add(raw);
            }
        }

        if ((anyListCounts ? draft.Mailboxes.Count : added) == 0)
        {
            draft.Report.Ignored(s, "no valid mailbox id in the list");
            return;
        }

        draft.Report.Mapped(s, path + (bad.Count > 0 ? $"; invalid ids dropped: {string.Join(", ", bad)}" : string.Empty));
    }
}
