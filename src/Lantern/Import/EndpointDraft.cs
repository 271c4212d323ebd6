using System.Text.Json.Nodes;

namespace Lantern.Import;

/// <summary>An endpoint being assembled from Asterisk settings; only what was set is written out.</summary>
internal sealed class EndpointDraft(string id, string origin)
{
    public string Id { get; } = id;

    /// <summary>Where the endpoint came from, for duplicate reports (<c>sip.conf:12</c>).</summary>
    public string Origin { get; } = origin;

    public PendingReport Report { get; } = new();

    public string? Password { get; set; }

    public string? Ha1 { get; set; }

    public string? AuthUser { get; set; }

    public List<string> Mailboxes { get; } = [];

    public string? VoicemailExtension { get; set; }

    public bool? Aggregate { get; set; }

    public bool? Unsolicited { get; set; }

    public bool? SubscribeReplacesUnsolicited { get; set; }

    public bool? OmitUrgent { get; set; }

    public bool? AllowSubscribe { get; set; }

    public string? FromUser { get; set; }

    public List<string> Contacts { get; } = [];

    public List<string> Permit { get; } = [];

    public int? MaxContacts { get; set; }

    public bool HasCredentials => !string.IsNullOrEmpty(Password) || !string.IsNullOrEmpty(Ha1);

    public string EffectiveAuthUser => AuthUser ?? Id;

    public void AddMailbox(string id)
    {
        if (!Mailboxes.Contains(id, StringComparer.Ordinal))
        {
            Mailboxes.Add(id);
        }
    }

    public JsonObject ToJson()
    {
        var o = new JsonObject { ["id"] = Id };
        if (Ha1 is not null)
        {
            o["ha1"] = Ha1;
        }
        else if (Password is not null)
        {
            o["password"] = Password;
        }

        if (AuthUser is not null)
        {
            o["authUser"] = AuthUser;
        }

        o["mailboxes"] = new JsonArray([.. Mailboxes.Select(m => (JsonNode?)JsonValue.Create(m))]);
        Add(o, "voicemailExtension", VoicemailExtension);
        Add(o, "aggregate", Aggregate);
        Add(o, "unsolicited", Unsolicited);
        Add(o, "subscribeReplacesUnsolicited", SubscribeReplacesUnsolicited);
        Add(o, "omitUrgent", OmitUrgent);
        Add(o, "allowSubscribe", AllowSubscribe);
        Add(o, "fromUser", FromUser);
        if (Contacts.Count > 0)
        {
            o["contacts"] = new JsonArray([.. Contacts.Select(m => (JsonNode?)JsonValue.Create(m))]);
        }

        if (Permit.Count > 0)
        {
            o["permit"] = new JsonArray([.. Permit.Select(m => (JsonNode?)JsonValue.Create(m))]);
        }

        if (MaxContacts is { } max)
        {
            o["maxContacts"] = max;
        }

        return o;
    }

    private static void Add(JsonObject o, string key, string? value)
    {
        if (value is not null)
        {
            o[key] = value;
        }
    }

    private static void Add(JsonObject o, string key, bool? value)
    {
        if (value is { } v)
        {
            o[key] = v;
        }
    }
}
