using System.Text.Json;
using Lantern.Mailboxes;
using Lantern.Sip.Transport;

namespace Lantern.Phones;

/// <summary>A subscription as stored: enough to resume its dialog after a restart.</summary>
internal sealed record StoredSubscription
{
    public string CallId { get; init; } = string.Empty;

    public string LocalTag { get; init; } = string.Empty;

    public string RemoteTag { get; init; } = string.Empty;

    public string LocalUri { get; init; } = string.Empty;

    public string RemoteUri { get; init; } = string.Empty;

    public string RemoteTarget { get; init; } = string.Empty;

    public List<string> RouteSet { get; init; } = [];

    public SipTransportKind Transport { get; init; }

    public string RemoteAddress { get; init; } = string.Empty;

    public int RemotePort { get; init; }

    public string LocalContact { get; init; } = string.Empty;

    public string? EndpointId { get; init; }

    public string? BoundKey { get; init; }

    public bool OmitUrgent { get; init; }

    public List<StoredMwiPart> Parts { get; init; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The next NOTIFY's CSeq must be above this.</summary>
    public long CSeq { get; init; }

    public static StoredSubscription From(Subscription sub)
    {
        var d = sub.Dialog;
        var parts = new List<StoredMwiPart>(sub.Target.Parts.Count);
        foreach (var p in sub.Target.Parts)
        {
            var ids = new List<string>(p.Mailboxes.Count);
            foreach (var m in p.Mailboxes)
            {
                ids.Add(m.ToString());
            }

            parts.Add(new StoredMwiPart(ids, p.AccountUser));
        }

        return new StoredSubscription
        {
            CallId = d.CallId,
            LocalTag = d.LocalTag,
            RemoteTag = d.RemoteTag,
            LocalUri = d.LocalUri,
            RemoteUri = d.RemoteUri,
            RemoteTarget = d.RemoteTarget,
            RouteSet = [.. d.RouteSet],
            Transport = d.Transport,
            RemoteAddress = d.RemoteAddress,
            RemotePort = d.RemotePort,
            LocalContact = d.LocalContact,
            EndpointId = sub.Target.EndpointId,
            BoundKey = sub.BoundKey,
            OmitUrgent = sub.Target.OmitUrgent,
            Parts = parts,
            CreatedAt = sub.CreatedAt,
            ExpiresAt = sub.ExpiresAt,
            CSeq = sub.CSeqReserved,
        };
    }

    public string ToJson() => JsonSerializer.Serialize(this, PhonesJsonContext.Default.StoredSubscription);

    /// <summary>Parses a stored record; null when it is unreadable or names an invalid mailbox (a corrupt row is skipped, not fatal).</summary>
    public static StoredSubscription? FromJson(string json) =>
        StoredJson.Read(json, PhonesJsonContext.Default.StoredSubscription, s => s.CallId.Length > 0 && s.Parts.Count > 0);

    /// <summary>The dialog (with no connection: connections do not survive a restart) and target; false when a mailbox id is invalid.</summary>
    public bool TryRestore(out SubscriptionDialog dialog, out MwiTarget target)
    {
        dialog = new SubscriptionDialog(CallId, LocalTag, RemoteTag, LocalUri, RemoteUri, RemoteTarget, RouteSet, Transport, RemoteAddress, RemotePort, 0, LocalContact);
        var parts = new MwiPart[Parts.Count];
        for (var i = 0; i < parts.Length; i++)
        {
            var ids = new MailboxId[Parts[i].Mailboxes.Count];
            for (var j = 0; j < ids.Length; j++)
            {
                if (!MailboxId.TryParse(Parts[i].Mailboxes[j], out ids[j], out _))
                {
                    target = null!;
                    return false;
                }
            }

            parts[i] = new MwiPart(ids, Parts[i].Account);
        }

        target = new MwiTarget(EndpointId, parts, OmitUrgent);
        return true;
    }
}
