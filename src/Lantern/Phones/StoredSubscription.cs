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

    /// <summary>Writes the JSON <see cref="ToJson"/> makes for <see cref="From"/>(the subscription these values were read from),
    /// straight from the live values: the record writer stores two per subscribe-refresh-unsubscribe cycle, and going through
    /// this record, its lists and a string cost about 2 KB each (docs/performance.md, "Cost per cycle: Lantern's side").</summary>
    public static void Write(Utf8JsonWriter json, SubscriptionDialog d, MwiTarget target, string? boundKey, DateTimeOffset createdAt, DateTimeOffset expiresAt, long cseq)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteStartObject();
        json.WriteString("callId"u8, d.CallId);
        json.WriteString("localTag"u8, d.LocalTag);
        json.WriteString("remoteTag"u8, d.RemoteTag);
        json.WriteString("localUri"u8, d.LocalUri);
        json.WriteString("remoteUri"u8, d.RemoteUri);
        json.WriteString("remoteTarget"u8, d.RemoteTarget);
        json.WriteStartArray("routeSet"u8);
        for (var i = 0; i < d.RouteSet.Count; i++)
        {
            json.WriteStringValue(d.RouteSet[i]);
        }

        json.WriteEndArray();
        var transport = TransportName(d.Transport);
        if (transport.IsEmpty)
        {
            json.WriteString("transport"u8, d.Transport.ToString());
        }
        else
        {
            json.WriteString("transport"u8, transport);
        }

        json.WriteString("remoteAddress"u8, d.RemoteAddress);
        json.WriteNumber("remotePort"u8, d.RemotePort);
        json.WriteString("localContact"u8, d.LocalContact);
        json.WriteString("endpointId"u8, target.EndpointId);
        json.WriteString("boundKey"u8, boundKey);
        json.WriteBoolean("omitUrgent"u8, target.OmitUrgent);
        json.WriteStartArray("parts"u8);
        Span<char> id = stackalloc char[(2 * MailboxId.MaxPartLength) + 1];
        for (var i = 0; i < target.Parts.Count; i++)
        {
            var part = target.Parts[i];
            json.WriteStartObject();
            json.WriteStartArray("mailboxes"u8);
            for (var j = 0; j < part.Mailboxes.Count; j++)
            {
                json.WriteStringValue(Format(part.Mailboxes[j], id));
            }

            json.WriteEndArray();
            json.WriteString("account"u8, part.AccountUser);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteString("createdAt"u8, createdAt);
        json.WriteString("expiresAt"u8, expiresAt);
        json.WriteNumber("cSeq"u8, cseq);
        json.WriteEndObject();
    }

    // As the source-generated string enum converter names them, without a string per record.
    private static ReadOnlySpan<byte> TransportName(SipTransportKind kind) => kind switch
    {
        SipTransportKind.Udp => "Udp"u8,
        SipTransportKind.Tcp => "Tcp"u8,
        SipTransportKind.Tls => "Tls"u8,
        SipTransportKind.Ws => "Ws"u8,
        SipTransportKind.Wss => "Wss"u8,
        _ => [],
    };

    /// <summary><see cref="MailboxId.ToString"/> into <paramref name="buffer"/> (both parts are at most
    /// <see cref="MailboxId.MaxPartLength"/> characters).</summary>
    private static ReadOnlySpan<char> Format(MailboxId id, Span<char> buffer)
    {
        if (id.Mailbox is null)
        {
            return [];
        }

        id.Mailbox.CopyTo(buffer);
        buffer[id.Mailbox.Length] = '@';
        id.Context.CopyTo(buffer[(id.Mailbox.Length + 1)..]);
        return buffer[..(id.Mailbox.Length + 1 + id.Context.Length)];
    }

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
