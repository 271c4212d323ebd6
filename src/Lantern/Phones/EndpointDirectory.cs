using Lantern.Mailboxes;

namespace Lantern.Phones;

/// <summary>An immutable snapshot of the configured endpoints with the lookups the SIP handlers need; replaced whole on reload.</summary>
internal sealed class EndpointDirectory
{
    private readonly Dictionary<string, PhoneEndpoint> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PhoneEndpoint> _byAuthUser = new(StringComparer.Ordinal);
    private readonly Dictionary<MailboxId, List<PhoneEndpoint>> _byMailbox = [];

    public EndpointDirectory(IEnumerable<PhoneEndpoint> endpoints)
    {
        var list = new List<PhoneEndpoint>();
        foreach (var e in endpoints)
        {
            if (!_byId.TryAdd(e.Id, e))
            {
                throw new ArgumentException($"duplicate endpoint id \"{e.Id}\"", nameof(endpoints));
            }

            _byAuthUser.TryAdd(e.AuthUser, e);
            list.Add(e);
            foreach (var m in e.Mailboxes)
            {
                if (!_byMailbox.TryGetValue(m, out var owners))
                {
                    owners = [];
                    _byMailbox.Add(m, owners);
                }

                owners.Add(e);
            }
        }

        Endpoints = list;
    }

    public static EndpointDirectory Empty { get; } = new([]);

    /// <summary>The directory for a validated configuration.</summary>
    public static EndpointDirectory FromOptions(IEnumerable<Lantern.Configuration.EndpointOptions> endpoints)
    {
        var list = new List<PhoneEndpoint>();
        foreach (var e in endpoints)
        {
            list.Add(PhoneEndpoint.FromOptions(e));
        }

        return new EndpointDirectory(list);
    }

    public IReadOnlyList<PhoneEndpoint> Endpoints { get; }

    public PhoneEndpoint? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>The endpoint a digest user name authenticates as.</summary>
    public PhoneEndpoint? FindByAuthUser(string user) => _byAuthUser.GetValueOrDefault(user);

    /// <summary>Endpoints that list <paramref name="id"/> among their mailboxes (empty when none).</summary>
    public IReadOnlyList<PhoneEndpoint> EndpointsOf(MailboxId id) =>
        _byMailbox.TryGetValue(id, out var owners) ? owners : [];

    /// <summary>The target an endpoint gets when it names itself (or its voicemail extension): its mailboxes, aggregated as configured.</summary>
    public static MwiTarget TargetOf(PhoneEndpoint endpoint)
    {
        if (endpoint.Aggregate || endpoint.Mailboxes.Count <= 1)
        {
            var account = endpoint.VoicemailExtension ?? (endpoint.Mailboxes.Count > 0 ? endpoint.Mailboxes[0].Mailbox : endpoint.Id);
            return new MwiTarget(endpoint.Id, [new MwiPart(endpoint.Mailboxes, account)], endpoint.OmitUrgent);
        }

        var parts = new MwiPart[endpoint.Mailboxes.Count];
        for (var i = 0; i < parts.Length; i++)
        {
            // Separate bodies only make sense to the phone when each names its own account.
            parts[i] = new MwiPart([endpoint.Mailboxes[i]], endpoint.Mailboxes[i].Mailbox);
        }

        return new MwiTarget(endpoint.Id, parts, endpoint.OmitUrgent);
    }

    /// <summary>The target for one mailbox of an endpoint (or of no endpoint for trusted sources).</summary>
    public static MwiTarget SingleMailbox(PhoneEndpoint? endpoint, MailboxId id)
    {
        // The voicemail extension stands for the endpoint's whole voicemail; it names a single mailbox only when that is all there is.
        var account = endpoint is not null && endpoint.Mailboxes.Count == 1 && endpoint.VoicemailExtension is not null
            ? endpoint.VoicemailExtension
            : id.Mailbox;
        return new MwiTarget(endpoint?.Id, [new MwiPart([id], account)], endpoint?.OmitUrgent ?? false);
    }

    /// <summary>Resolves a Request-URI user part (still percent-escaped) for <paramref name="endpoint"/>,
    /// or for a trusted source when <paramref name="endpoint"/> is null.</summary>
    /// <param name="mailboxExists">Whether a mailbox exists in the store (to tell 403 from 404).</param>
    public TargetResolution Resolve(string requestUser, PhoneEndpoint? endpoint, Func<MailboxId, bool> mailboxExists)
    {
        if (!TryUnescape(requestUser, out var user) || user.Length == 0)
        {
            return TargetResolution.NotFound("Invalid Request-URI User");
        }

        return endpoint is null ? ResolveTrusted(user) : ResolveFor(endpoint, user, mailboxExists);
    }

    private TargetResolution ResolveTrusted(string user)
    {
        if (_byId.TryGetValue(user, out var named))
        {
            return TargetResolution.Found(TargetOf(named));
        }

        if (!MailboxId.TryParse(user, out var id, out _))
        {
            return TargetResolution.NotFound("Invalid Mailbox Id");
        }

        // A mailbox that does not exist yet is served as empty: the proxy vouches for its users.
        var owners = EndpointsOf(id);
        return TargetResolution.Found(SingleMailbox(owners.Count == 1 ? owners[0] : null, id));
    }

    private TargetResolution ResolveFor(PhoneEndpoint endpoint, string user, Func<MailboxId, bool> mailboxExists)
    {
        if (user == endpoint.Id || (endpoint.VoicemailExtension is not null && user == endpoint.VoicemailExtension))
        {
            return TargetResolution.Found(TargetOf(endpoint));
        }

        if (user.Contains('@', StringComparison.Ordinal))
        {
            if (!MailboxId.TryParse(user, out var full, out _))
            {
                return TargetResolution.NotFound("Invalid Mailbox Id");
            }

            return endpoint.Mailboxes.Contains(full)
                ? TargetResolution.Found(SingleMailbox(endpoint, full))
                : Elsewhere(full, mailboxExists);
        }

        MailboxId? match = null;
        var count = 0;
        foreach (var m in endpoint.Mailboxes)
        {
            if (m.Mailbox == user)
            {
                match = m;
                count++;
            }
        }

        if (count == 1)
        {
            return TargetResolution.Found(SingleMailbox(endpoint, match!.Value));
        }

        if (count > 1)
        {
            // 1234 with 1234@default among them means exactly that one; otherwise the phone must say which.
            return MailboxId.TryParse(user, out var bare, out _) && endpoint.Mailboxes.Contains(bare)
                ? TargetResolution.Found(SingleMailbox(endpoint, bare))
                : TargetResolution.NotFound("Ambiguous Mailbox");
        }

        if (_byId.ContainsKey(user))
        {
            return TargetResolution.Forbidden("Not Your Mailbox");
        }

        return MailboxId.TryParse(user, out var other, out _)
            ? Elsewhere(other, mailboxExists)
            : TargetResolution.NotFound("Unknown Mailbox");
    }

    private TargetResolution Elsewhere(MailboxId id, Func<MailboxId, bool> mailboxExists) =>
        _byMailbox.ContainsKey(id) || mailboxExists(id)
            ? TargetResolution.Forbidden("Not Your Mailbox")
            : TargetResolution.NotFound("Unknown Mailbox");

    /// <summary>Decodes %XX escapes (RFC 3261 user part); false on a broken escape or a decoded control character.</summary>
    internal static bool TryUnescape(string text, out string result)
    {
        if (!text.Contains('%', StringComparison.Ordinal))
        {
            result = text;
            return true;
        }

        var chars = new char[text.Length];
        var n = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '%')
            {
                if (i + 2 >= text.Length || !IsHex(text[i + 1]) || !IsHex(text[i + 2]))
                {
                    result = string.Empty;
                    return false;
                }

                c = (char)((HexValue(text[i + 1]) << 4) | HexValue(text[i + 2]));
                if (c < 0x20 || c >= 0x7f)
                {
                    result = string.Empty;
                    return false;
                }

                i += 2;
            }

            chars[n++] = c;
        }

        result = new string(chars, 0, n);
        return true;
    }

    private static bool IsHex(char c) => c is (>= '0' and <= '9') or (>= 'a' and <= 'f') or (>= 'A' and <= 'F');

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
