using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Lantern.Configuration;
using Lantern.Mailboxes;

namespace Lantern.Import;

/// <summary>Collects what the sip.conf and pjsip.conf mappers produce, keeps it consistent, and writes lantern.json.</summary>
internal sealed class ImportBuilder
{
    private readonly Dictionary<string, string> _endpointIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _authUsers = new(StringComparer.Ordinal);
    private readonly Dictionary<MailboxId, string> _remoteOwners = [];
    private readonly HashSet<string> _peerNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _upstreamNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _listenKeys = new(StringComparer.Ordinal);

    public List<ImportReportLine> Report { get; } = [];

    public string? Realm { get; set; }

    /// <summary><c>sip.domain</c> when the Asterisk files name one; else <see cref="Realm"/> is used, else a warning.</summary>
    public string? Domain { get; set; }

    /// <summary>Asterisk's AMI port (manager.conf, else its default) and how it was learnt, for the report.</summary>
    public (int Port, string Origin) AsteriskAmi { get; set; } = (5038, "manager.conf not given: Asterisk's default 5038 assumed");

    /// <summary>Asterisk's HTTP port (http.conf, else its default) and how it was learnt, for the report.</summary>
    public (int Port, string Origin) AsteriskHttp { get; set; } = (8088, "http.conf not given: Asterisk's default 8088 assumed");

    /// <summary>Every port the Asterisk being replaced listens on; Lantern's listeners avoid all of them.</summary>
    public HashSet<int> AsteriskPorts { get; } = [];

    public int? SubscriptionMin { get; set; }

    public int? SubscriptionMax { get; set; }

    public int? SubscriptionDefault { get; set; }

    public int? RegistrationMin { get; set; }

    public int? RegistrationMax { get; set; }

    public int? RegistrationDefault { get; set; }

    public bool? SendOnStartup { get; set; }

    /// <summary>SIP listeners with the Asterisk port each was imported from; Lantern's own port is chosen in <see cref="ToJson"/>.</summary>
    public List<(JsonObject Listener, int AsteriskPort)> Listen { get; } = [];

    public List<EndpointDraft> Endpoints { get; } = [];

    public List<UpstreamOptions> Upstreams { get; } = [];

    public List<PeerOptions> Peers { get; } = [];

    /// <summary>Adds the endpoint if it would validate; otherwise drops it and reports why.</summary>
    public bool TryAddEndpoint(EndpointDraft draft)
    {
        string? reason = null;
        if (_endpointIds.TryGetValue(draft.Id, out var other))
        {
            reason = $"endpoint \"{draft.Id}\" was already imported from {other}";
        }
        else if (draft.Mailboxes.Count == 0)
        {
            reason = $"[{draft.Id}] has no mailbox: nothing to notify, not imported as an endpoint";
        }
        else if (!draft.HasCredentials && draft.Permit.Count == 0)
        {
            reason = $"[{draft.Id}] has no secret and no address to permit: it could not authenticate, not imported";
        }
        else if (draft.HasCredentials && _authUsers.TryGetValue(draft.EffectiveAuthUser, out var user))
        {
            reason = $"auth user \"{draft.EffectiveAuthUser}\" is already used by {user}";
        }

        if (reason is not null)
        {
            draft.Report.Drop(Report, reason);
            return false;
        }

        var path = $"endpoints[{Endpoints.Count}]";
        _endpointIds.Add(draft.Id, draft.Origin);
        if (draft.HasCredentials)
        {
            _authUsers.Add(draft.EffectiveAuthUser, path);
        }

        Endpoints.Add(draft);
        draft.Report.Commit(Report, path);
        return true;
    }

    /// <summary>Adds an upstream unless its local mailbox already has another writer.</summary>
    public bool TryAddUpstream(UpstreamOptions upstream, PendingReport report, out string path)
    {
        path = $"upstreams[{Upstreams.Count}]";
        upstream.TryGetMailboxId(out var id);
        if (_remoteOwners.TryGetValue(id, out var owner))
        {
            report.Drop(Report, $"mailbox {id} is already written by {owner}");
            return false;
        }

        if (!_upstreamNames.Add(upstream.Name))
        {
            report.Drop(Report, $"an upstream named \"{upstream.Name}\" already exists");
            return false;
        }

        _remoteOwners.Add(id, path);
        Upstreams.Add(upstream);
        report.Commit(Report, path);
        return true;
    }

    /// <summary>Adds a peer unless its name or mailbox clashes.</summary>
    public bool TryAddPeer(PeerOptions peer, PendingReport report)
    {
        var path = $"peers[{Peers.Count}]";
        if (!peer.TryGetMailboxId(out var id, out var error))
        {
            report.Drop(Report, error);
            return false;
        }

        if (_remoteOwners.TryGetValue(id, out var owner))
        {
            report.Drop(Report, $"mailbox {id} is already written by {owner}");
            return false;
        }

        if (!_peerNames.Add(peer.Name))
        {
            report.Drop(Report, $"a peer named \"{peer.Name}\" already exists");
            return false;
        }

        _remoteOwners.Add(id, path);
        Peers.Add(peer);
        report.Commit(Report, path);
        return true;
    }

    /// <summary>Adds a SIP listener from <c>address[:port]</c>; returns its path, or null with a reason.</summary>
    public string? AddListener(string transport, string bind, int defaultPort, string? certificate, string? key, out string reason)
    {
        reason = string.Empty;
        if (!TryParseBind(bind, defaultPort, out var address, out var port))
        {
            reason = $"\"{bind}\" is not address[:port]";
            return null;
        }

        var k = $"{transport}|{address}|{port}";
        if (!_listenKeys.Add(k))
        {
            reason = "the same listener is already configured";
            return null;
        }

        // The port is chosen once every Asterisk port is known (ToJson); set here to keep the key order readable.
        var o = new JsonObject { ["transport"] = transport, ["address"] = address.ToString(), ["port"] = port };
        if (certificate is not null)
        {
            o["certificate"] = certificate;
        }

        if (key is not null)
        {
            o["key"] = key;
        }

        Listen.Add((o, port));
        AsteriskPorts.Add(port);
        return $"sip.listen[{Listen.Count - 1}]";
    }

    public JsonObject ToJson()
    {
        var sip = new JsonObject();
        AddDomain(sip);
        if (Realm is not null)
        {
            sip["realm"] = Realm;
        }

        // Lantern runs next to the Asterisk it replaces until the phones move: no listener may take a port Asterisk uses.
        var ports = new ImportPortPlan(AsteriskPorts, AsteriskAmi.Port, AsteriskHttp.Port);
        if (Listen.Count > 0)
        {
            var listen = new JsonArray();
            for (var i = 0; i < Listen.Count; i++)
            {
                var (listener, asteriskPort) = Listen[i];
                var port = ports.For(asteriskPort, ImportPortPlan.SipOffset);
                listener["port"] = port;
                listen.Add(listener);
                Report.Add(new ImportReportLine("-", 0, ImportAction.Mapped, string.Empty, string.Empty,
                    $"sip.listen[{i}] {listener["transport"]} {listener["address"]}:{port} (Asterisk keeps {asteriskPort}; move it back once Asterisk is gone)"));
            }

            sip["listen"] = listen;
        }

        AddExpiry(sip, "subscriptions", SubscriptionMin, SubscriptionDefault, SubscriptionMax);
        AddExpiry(sip, "registrations", RegistrationMin, RegistrationDefault, RegistrationMax);
        if (SendOnStartup is { } send)
        {
            sip["unsolicited"] = new JsonObject { ["sendOnStartup"] = send };
        }

        var root = new JsonObject();
        if (sip.Count > 0)
        {
            root["sip"] = sip;
        }

        var http = "127.0.0.1:" + ports.For(AsteriskHttp.Port, ImportPortPlan.HttpOffset).ToString(CultureInfo.InvariantCulture);
        var ami = "127.0.0.1:" + ports.For(AsteriskAmi.Port, ImportPortPlan.AmiOffset).ToString(CultureInfo.InvariantCulture);
        root["http"] = new JsonObject { ["listen"] = http };
        root["ami"] = new JsonObject { ["listen"] = ami };
        Report.Add(new ImportReportLine("-", 0, ImportAction.Mapped, string.Empty, string.Empty,
            $"http.listen {http} (Asterisk's HTTP port {AsteriskHttp.Port}: {AsteriskHttp.Origin}); add http.users or http.apiKeys"));
        Report.Add(new ImportReportLine("-", 0, ImportAction.Mapped, string.Empty, string.Empty,
            $"ami.listen {ami} (Asterisk's AMI port {AsteriskAmi.Port}: {AsteriskAmi.Origin}); add ami.users"));

        root["endpoints"] = new JsonArray([.. Endpoints.Select(e => (JsonNode?)e.ToJson())]);
        root["upstreams"] = new JsonArray([.. Upstreams.Select(u => (JsonNode?)UpstreamJson(u))]);
        root["peers"] = new JsonArray([.. Peers.Select(p => (JsonNode?)PeerJson(p))]);
        return root;
    }

    private void AddDomain(JsonObject sip)
    {
        // Message-Account's host is sip.domain: a wrong one points phones' voicemail key at "localhost".
        if (Domain is null && Realm is not null)
        {
            Domain = Realm;
            Report.Add(new ImportReportLine("-", 0, ImportAction.Mapped, string.Empty, string.Empty, $"sip.domain \"{Realm}\" (from the realm)"));
        }

        if (Domain is null)
        {
            Report.Add(new ImportReportLine("-", 0, ImportAction.Warning, string.Empty, string.Empty,
                "sip.domain not set: no fromdomain, realm or specific bind address to take it from; Message-Account would say \"localhost\": set sip.domain to the domain your phones use"));
            return;
        }

        sip["domain"] = Domain;
    }

    private void AddExpiry(JsonObject sip, string name, int? min, int? def, int? max)
    {
        if (min is null && def is null && max is null)
        {
            return;
        }

        // Asterisk accepts ranges Lantern refuses (default outside min..max); bring the default inside and say so.
        var defaults = new ExpiryOptions();
        var lo = min ?? defaults.MinExpires;
        var hi = Math.Max(max ?? defaults.MaxExpires, lo);
        var d = Math.Clamp(def ?? defaults.DefaultExpires, lo, hi);
        if (hi != (max ?? defaults.MaxExpires))
        {
            Report.Add(new ImportReportLine("-", 0, ImportAction.Mapped, string.Empty, string.Empty, $"sip.{name}.maxExpires raised to {hi} to be at least minExpires"));
        }

        if (d != (def ?? defaults.DefaultExpires))
        {
            Report.Add(new ImportReportLine("-", 0, ImportAction.Mapped, string.Empty, string.Empty, $"sip.{name}.defaultExpires set to {d} to lie within {lo}..{hi}"));
        }

        sip[name] = new JsonObject { ["minExpires"] = lo, ["maxExpires"] = hi, ["defaultExpires"] = d };
    }

    private static JsonObject UpstreamJson(UpstreamOptions u)
    {
        var o = new JsonObject { ["name"] = u.Name, ["user"] = u.User };
        if (u.Secret is not null)
        {
            o["secret"] = u.Secret;
        }

        if (u.AuthUser is not null)
        {
            o["authUser"] = u.AuthUser;
        }

        o["host"] = u.Host;
        if (u.Port > 0)
        {
            o["port"] = u.Port;
        }

        o["transport"] = u.Transport;
        o["mailbox"] = u.Mailbox;
        o["context"] = u.Context;
        o["expires"] = u.Expires;
        if (u.Register)
        {
            o["register"] = true;
            o["registerExpires"] = u.RegisterExpires;
        }

        return o;
    }

    private static JsonObject PeerJson(PeerOptions p)
    {
        var o = new JsonObject
        {
            ["name"] = p.Name,
            ["match"] = new JsonArray([.. p.Match.Select(m => (JsonNode?)JsonValue.Create(m))]),
            ["mailbox"] = p.Mailbox,
        };
        if (p.Username is not null)
        {
            o["username"] = p.Username;
            o["password"] = p.Password;
        }

        return o;
    }

    private static bool TryParseBind(string bind, int defaultPort, out IPAddress address, out int port)
    {
        port = defaultPort;
        if (IPAddress.TryParse(bind, out address!) && !bind.Contains(']', StringComparison.Ordinal))
        {
            return true;
        }

        if (IPEndPoint.TryParse(bind, out var endpoint))
        {
            address = endpoint.Address;
            port = endpoint.Port == 0 ? defaultPort : endpoint.Port;
            return true;
        }

        address = IPAddress.None;
        return false;
    }

    internal static bool TryParseInt(string text, int min, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min;
}
