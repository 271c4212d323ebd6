using System.Net;
using Lantern.Configuration;
using Lantern.Mailboxes;

namespace Lantern.Import;

/// <summary>Maps chan_sip's sip.conf (config.md §3) into an <see cref="ImportBuilder"/>.</summary>
internal static class SipConfMapper
{
    public static void Map(AsteriskConfig config, ImportBuilder builder)
    {
        // chan_sip reads every [general] (a repeated one or a (+) continuation) as one.
        var generals = config.Sections.FindAll(x => string.Equals(x.Name, "general", StringComparison.OrdinalIgnoreCase));
        // Mapped even when absent: chan_sip then still listens on UDP 0.0.0.0:5060, which Lantern's listener must avoid.
        var general = generals.Count > 0 ? new AsteriskSection("general", generals[0].File, generals[0].Line) : new AsteriskSection("general", "-", 0);
        foreach (var g in generals)
        {
            general.Settings.AddRange(g.Settings);
        }

        var defaults = MapGeneral(general, builder);

        foreach (var section in config.Sections)
        {
            if (generals.Contains(section))
            {
                continue;
            }

            if (section.IsTemplate)
            {
                if (!section.IsInherited)
                {
                    AsteriskMapping.IgnoreAll(section.Own, $"template [{section.Name}] is not used by any section", builder);
                }

                continue;
            }

            var type = section.Type;
            if (string.Equals(section.Name, "authentication", StringComparison.OrdinalIgnoreCase) || type == "user")
            {
                AsteriskMapping.IgnoreAll(section.Settings, type == "user" ? $"[{section.Name}] is type=user: it cannot receive MWI" : "outbound call authentication: " + AsteriskMapping.NotUsed, builder);
                continue;
            }

            MapPeer(section, defaults, builder);
        }
    }

    private static PeerDefaults MapGeneral(AsteriskSection general, ImportBuilder builder)
    {
        var defaults = new PeerDefaults();
        var report = new PendingReport();
        var lines = new List<(AsteriskSetting Setting, UpstreamOptions Upstream)>();
        var registers = new List<AsteriskSetting>();
        AsteriskSetting? mwiExpiry = null;
        int expires = UpstreamOptions.DefaultExpires;
        string? udpBind = null, tcpBind = null, tlsBind = null, cert = null, key = null;
        AsteriskSetting? fromDomain = null, realm = null, udpBindSetting = null;
        var bindPort = 5060;
        bool tcpEnable = false, tlsEnable = false;
        var bindSettings = new List<AsteriskSetting>();
        foreach (var s in general.Settings)
        {
            var k = s.Key.ToLowerInvariant();
            switch (k)
            {
                case "mwi":
                    if (UpstreamLine.TryParse(s.Value, out var upstream, out var error))
                    {
                        lines.Add((s, upstream));
                    }
                    else
                    {
                        report.Ignored(s, error);
                    }

                    break;
                case "mwiexpiry":
                    if (AsteriskMapping.TryParseSeconds(s, report, out var e))
                    {
                        expires = e;
                        mwiExpiry = s;
                    }

                    break;
                case "vmexten":
                    if (AsteriskMapping.IsExtension(s, report))
                    {
                        defaults.VoicemailExtension = s.Value;
                        report.MappedAbsolute(s, "voicemailExtension of every sip.conf endpoint without its own");
                    }

                    break;
                case "buggymwi":
                    defaults.OmitUrgent = AsteriskMapping.IsTrue(s.Value);
                    report.MappedAbsolute(s, "omitUrgent of every sip.conf endpoint without its own");
                    break;
                case "mwi_from":
                    defaults.FromUser = s.Value;
                    report.MappedAbsolute(s, "fromUser of every sip.conf endpoint without its own");
                    break;
                case "subscribemwi":
                    defaults.SubscribeMwi = AsteriskMapping.IsTrue(s.Value);
                    report.MappedAbsolute(s, "unsolicited of every sip.conf endpoint without its own");
                    break;
                case "allowsubscribe":
                    // chan_sip answers every SUBSCRIBE 403 when [general] says no, whatever a peer says.
                    defaults.AllowSubscribe = AsteriskMapping.IsTrue(s.Value);
                    report.MappedAbsolute(s, "allowSubscribe of every sip.conf endpoint");
                    break;
                case "fromdomain":
                    fromDomain = s;
                    break;
                case "subminexpiry":
                case "submaxexpiry":
                case "defaultexpiry":
                case "minexpiry":
                case "maxexpiry":
                    MapExpiry(s, k, builder, report);
                    break;
                case "realm":
                    builder.Realm = s.Value;
                    realm = s;
                    break;
                case "bindaddr":
                case "udpbindaddr":
                    udpBind = s.Value;
                    udpBindSetting = s;
                    bindSettings.Add(s);
                    break;
                case "bindport":
                    if (ImportBuilder.TryParseInt(s.Value, 1, out var p) && p <= 65535)
                    {
                        bindPort = p;
                        bindSettings.Add(s);
                    }
                    else
                    {
                        report.Ignored(s, "not a port number");
                    }

                    break;
                case "tcpenable":
                    tcpEnable = AsteriskMapping.IsTrue(s.Value);
                    bindSettings.Add(s);
                    break;
                case "tcpbindaddr":
                    tcpBind = s.Value;
                    bindSettings.Add(s);
                    break;
                case "tlsenable":
                    tlsEnable = AsteriskMapping.IsTrue(s.Value);
                    bindSettings.Add(s);
                    break;
                case "tlsbindaddr":
                    tlsBind = s.Value;
                    bindSettings.Add(s);
                    break;
                case "tlscertfile":
                    cert = s.Value;
                    bindSettings.Add(s);
                    break;
                case "tlsprivatekey":
                    key = s.Value;
                    bindSettings.Add(s);
                    break;
                case "register":
                    registers.Add(s);
                    break;
                default:
                    report.Ignored(s, AsteriskMapping.NotUsed);
                    break;
            }
        }

        MapDomain(builder, report, fromDomain, realm, udpBindSetting);
        MapListeners(builder, report, bindSettings, udpBind, bindPort, tcpEnable ? tcpBind ?? udpBind ?? "0.0.0.0" : null, tlsEnable ? tlsBind ?? "0.0.0.0" : null, cert, key);
        report.Commit(builder.Report, string.Empty);
        foreach (var (setting, upstream) in lines)
        {
            upstream.Expires = expires;
            var upstreamReport = new PendingReport();
            upstreamReport.Mapped(setting, "(transport udp)");
            if (mwiExpiry is not null)
            {
                upstreamReport.Mapped(mwiExpiry, "expires");
            }

            MapRegister(registers, upstream, upstreamReport);
            builder.TryAddUpstream(upstream, upstreamReport, out _);
        }

        foreach (var r in registers)
        {
            var reason = AsteriskRegisterLine.TryParse(r.Value) is null
                ? "not a register => line chan_sip would accept"
                : "no mwi => line at that user@host[:port]: Lantern registers only to receive MWI (it does not carry calls)";
            builder.Report.Add(new ImportReportLine(r.File, r.Line, ImportAction.Ignored, r.Key, r.Value, reason));
        }

        if (mwiExpiry is not null && lines.Count == 0)
        {
            builder.Report.Add(new ImportReportLine(mwiExpiry.File, mwiExpiry.Line, ImportAction.Ignored, mwiExpiry.Key, mwiExpiry.Value, "no mwi => line to apply it to"));
        }

        return defaults;
    }

    /// <summary>chan_sip NOTIFYs a <c>host=dynamic</c> peer only once it registered: the <c>register =&gt;</c> line for an
    /// upstream's user and host turns on its registration (decision 0008), and is taken off <paramref name="registers"/>.</summary>
    private static void MapRegister(List<AsteriskSetting> registers, UpstreamOptions upstream, PendingReport report)
    {
        for (var i = 0; i < registers.Count; i++)
        {
            if (AsteriskRegisterLine.TryParse(registers[i].Value) is { } line && line.Covers(upstream))
            {
                upstream.Register = true;
                upstream.RegisterExpires = line.Expiry ?? AsteriskRegisterLine.ChanSipDefaultExpiry;
                report.Mapped(registers[i], "register (registerExpires " + upstream.RegisterExpires.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")");
                registers.RemoveAt(i);
                return;
            }
        }
    }

    /// <summary><c>sip.domain</c> (Message-Account's host) from <c>fromdomain</c>, else <c>realm</c>, else a specific bind address.</summary>
    private static void MapDomain(ImportBuilder builder, PendingReport report, AsteriskSetting? fromDomain, AsteriskSetting? realm, AsteriskSetting? udpBind)
    {
        if (fromDomain is not null && fromDomain.Value.Length > 0)
        {
            builder.Domain = fromDomain.Value;
            report.MappedAbsolute(fromDomain, "sip.domain");
        }
        else if (fromDomain is not null)
        {
            report.Ignored(fromDomain, "empty");
        }

        if (realm is not null)
        {
            builder.Domain ??= realm.Value;
            report.MappedAbsolute(realm, builder.Domain == realm.Value ? "sip.realm, sip.domain" : "sip.realm");
        }

        if (builder.Domain is null && udpBind is not null && TryParseAddress(udpBind.Value, out var address)
            && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any))
        {
            builder.Domain = address.ToString();
            builder.Report.Add(new ImportReportLine(udpBind.File, udpBind.Line, ImportAction.Mapped, udpBind.Key, udpBind.Value,
                $"sip.domain \"{builder.Domain}\" (no fromdomain or realm: the address phones send to)"));
        }
    }

    private static bool TryParseAddress(string bind, out IPAddress address)
    {
        if (IPAddress.TryParse(bind, out address!))
        {
            return true;
        }

        if (IPEndPoint.TryParse(bind, out var endPoint))
        {
            address = endPoint.Address;
            return true;
        }

        return false;
    }

    // chan_sip listens on UDP 0.0.0.0:5060 without any bind setting: Lantern's listener is written even then, so that its
    // own default (5060) does not collide with that Asterisk.
    private static void MapListeners(ImportBuilder builder, PendingReport report, List<AsteriskSetting> settings, string? udpBind, int bindPort, string? tcpBind, string? tlsBind, string? cert, string? key)
    {
        var paths = new List<string>();
        var problems = new List<string>();
        void Add(string transport, string bind, int port, string? c, string? k)
        {
            var path = builder.AddListener(transport, bind, port, c, k, out var reason);
            if (path is null)
            {
                problems.Add($"{transport}: {reason}");
            }
            else
            {
                paths.Add(path);
            }
        }

        Add("udp", udpBind ?? "0.0.0.0", bindPort, null, null);
        if (tcpBind is not null)
        {
            Add("tcp", tcpBind, bindPort, null, null);
        }

        if (tlsBind is not null)
        {
            if (cert is null)
            {
                problems.Add("tls: no tlscertfile");
            }
            else
            {
                Add("tls", tlsBind, 5061, cert, key ?? cert);
            }
        }

        foreach (var s in settings)
        {
            if (paths.Count > 0)
            {
                report.MappedAbsolute(s, string.Join(", ", paths) + (problems.Count > 0 ? " (not imported: " + string.Join("; ", problems) + ")" : string.Empty));
            }
            else
            {
                report.Ignored(s, string.Join("; ", problems));
            }
        }
    }

    private static void MapExpiry(AsteriskSetting s, string key, ImportBuilder builder, PendingReport report)
    {
        if (!AsteriskMapping.TryParseSeconds(s, report, out var v))
        {
            return;
        }

        switch (key)
        {
            case "subminexpiry":
                builder.SubscriptionMin = v;
                report.MappedAbsolute(s, "sip.subscriptions.minExpires");
                break;
            case "submaxexpiry":
                builder.SubscriptionMax = v;
                report.MappedAbsolute(s, "sip.subscriptions.maxExpires");
                break;
            case "defaultexpiry":
                builder.RegistrationDefault = v;
                builder.SubscriptionDefault = v;
                report.MappedAbsolute(s, "sip.registrations.defaultExpires, sip.subscriptions.defaultExpires");
                break;
            case "minexpiry":
                builder.RegistrationMin = v;
                report.MappedAbsolute(s, "sip.registrations.minExpires");
                break;
            default:
                builder.RegistrationMax = v;
                report.MappedAbsolute(s, "sip.registrations.maxExpires");
                break;
        }
    }

    private static void MapPeer(AsteriskSection section, PeerDefaults defaults, ImportBuilder builder)
    {
        var draft = new EndpointDraft(section.Name, section.Location);
        var r = draft.Report;
        AsteriskSetting? secret = null, md5 = null, host = null, unsolicited = null, port = null, transport = null;
        string? defaultUser = null;
        bool? subscribeMwi = null, buggyMwi = null;
        foreach (var s in section.Settings)
        {
            switch (s.Key.ToLowerInvariant())
            {
                case "type":
                    r.Used(s, section.Type is "peer" or "friend" ? "an endpoint" : "unknown type, read as a peer");
                    break;
                case "secret":
                    secret = s;
                    break;
                case "md5secret":
                    md5 = s;
                    break;
                case "defaultuser":
                case "username":
                    if (s.Value.Length > 0)
                    {
                        defaultUser = s.Value;
                        draft.AuthUser = s.Value;
                        r.Mapped(s, "authUser");
                    }

                    break;
                case "mailbox":
                    AsteriskMapping.MapMailboxes(s, draft, "mailboxes (aggregated)", anyListCounts: true);
                    break;
                case "vmexten":
                    AsteriskMapping.MapVoicemailExtension(s, draft);
                    break;
                case "subscribemwi":
                    subscribeMwi = AsteriskMapping.IsTrue(s.Value);
                    r.Mapped(s, AsteriskMapping.IsTrue(s.Value) ? "unsolicited" : "unsolicited (default true)");
                    break;
                case "buggymwi":
                    buggyMwi = AsteriskMapping.IsTrue(s.Value);
                    r.Mapped(s, AsteriskMapping.IsTrue(s.Value) ? "omitUrgent" : "omitUrgent (default false)");
                    break;
                case "mwi_from":
                    draft.FromUser = s.Value;
                    r.Mapped(s, "fromUser");
                    break;
                case "allowsubscribe":
                    if (defaults.AllowSubscribe)
                    {
                        draft.AllowSubscribe = AsteriskMapping.IsTrue(s.Value) ? null : false;
                        r.Mapped(s, AsteriskMapping.IsTrue(s.Value) ? "allowSubscribe (default true)" : "allowSubscribe");
                    }
                    else
                    {
                        r.Ignored(s, "[general] allowsubscribe=no wins, as in chan_sip");
                    }

                    break;
                case "host":
                    host = s;
                    break;
                case "port":
                    port = s;
                    break;
                case "transport":
                    transport = s;
                    break;
                case "unsolicited_mailbox":
                    unsolicited = s;
                    break;
                case "permit":
                    if (AddressRange.TryParse(s.Value, out var network))
                    {
                        draft.Permit.Add(network.ToString());
                        r.Mapped(s, $"permit[{draft.Permit.Count - 1}]");
                    }
                    else
                    {
                        r.Ignored(s, "not an address or address/mask");
                    }

                    break;
                case "deny":
                    r.Ignored(s, IsDenyAll(s.Value)
                        ? "Lantern refuses every address not permitted; deny-all is implied"
                        : "Lantern has no deny rules: only permitted ranges are allowed");
                    break;
                default:
                    r.Ignored(s, AsteriskMapping.NotUsed);
                    break;
            }
        }

        if (md5 is not null)
        {
            draft.Ha1 = md5.Value.ToLowerInvariant();
            r.Mapped(md5, "ha1" + (builder.Realm is null ? " (needs sip.realm to match the realm it was made with; chan_sip's default is \"asterisk\")" : string.Empty));
            if (secret is not null)
            {
                r.Ignored(secret, "md5secret takes precedence, as in chan_sip");
            }
        }
        else if (secret is not null)
        {
            draft.Password = secret.Value;
            r.Mapped(secret, "password");
        }

        draft.VoicemailExtension ??= defaults.VoicemailExtension;
        if (!defaults.AllowSubscribe)
        {
            draft.AllowSubscribe = false;
        }

        draft.FromUser ??= defaults.FromUser;
        if (buggyMwi ?? defaults.OmitUrgent)
        {
            draft.OmitUrgent = true;
        }

        if (subscribeMwi ?? defaults.SubscribeMwi)
        {
            draft.Unsolicited = false;
        }

        var staticHost = MapHost(draft, host, port, transport, defaultUser);
        if (!MailboxId.IsValidPart(section.Name))
        {
            draft.Report.Drop(builder.Report, $"[{section.Name}] is not a valid endpoint id ([A-Za-z0-9_.*#+-], 1-80)");
        }
        else
        {
            builder.TryAddEndpoint(draft);
        }

        if (unsolicited is not null)
        {
            MapUnsolicitedMailbox(section, unsolicited, host, staticHost, builder);
        }
    }

    private static string? MapHost(EndpointDraft draft, AsteriskSetting? host, AsteriskSetting? port, AsteriskSetting? transport, string? defaultUser)
    {
        var r = draft.Report;
        if (host is null || string.Equals(host.Value, "dynamic", StringComparison.OrdinalIgnoreCase))
        {
            if (host is not null)
            {
                r.Used(host, "contacts come from REGISTER");
            }

            if (port is not null)
            {
                r.Ignored(port, "only used with a static host");
            }

            if (transport is not null)
            {
                r.Ignored(transport, "the transport of a registered contact is the one it registered over");
            }

            return null;
        }

        var address = host.Value;
        var isIp = IPAddress.TryParse(address, out var ip);
        if (!isIp && !AddressRange.IsHostName(address))
        {
            r.Ignored(host, "not an address or host name");
            return null;
        }

        var hostText = isIp && ip!.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address;
        var uri = "sip:" + (defaultUser is null ? string.Empty : defaultUser + "@") + hostText;
        if (port is not null)
        {
            if (ImportBuilder.TryParseInt(port.Value, 1, out var p) && p <= 65535)
            {
                uri += ":" + port.Value;
            }
            else
            {
                r.Ignored(port, "not a port number");
                port = null;
            }
        }

        if (transport is not null)
        {
            var first = transport.Value.Split(',')[0].Trim().ToLowerInvariant();
            if (first is "tcp" or "tls")
            {
                uri += ";transport=" + first;
            }
        }

        draft.Contacts.Add(uri);
        var contactPath = $"contacts[{draft.Contacts.Count - 1}]";
        var permitNote = string.Empty;
        if (!draft.HasCredentials && draft.Permit.Count == 0 && isIp)
        {
            // chan_sip lets a peer without a secret in by its host address; Lantern's equivalent is the permit list.
            draft.Permit.Add(address);
            permitNote = $", permit[{draft.Permit.Count - 1}] (no secret: the host authenticates it)";
        }

        r.Mapped(host, contactPath + permitNote);
        if (port is not null)
        {
            r.Mapped(port, contactPath);
        }

        if (transport is not null)
        {
            r.Mapped(transport, contactPath);
        }

        return address;
    }

    private static void MapUnsolicitedMailbox(AsteriskSection section, AsteriskSetting setting, AsteriskSetting? host, string? staticHost, ImportBuilder builder)
    {
        var report = new PendingReport();
        if (staticHost is null)
        {
            report.Ignored(setting, "needs a static host= to know whom to accept NOTIFYs from; add a peers[] entry by hand");
            report.Drop(builder.Report, string.Empty);
            return;
        }

        var peer = new PeerOptions { Name = section.Name, Match = [staticHost], Mailbox = setting.Value };
        report.Mapped(setting, "(mailbox " + (setting.Value.Contains('@', StringComparison.Ordinal) ? setting.Value : setting.Value + "@" + PeerOptions.DefaultContext) + ")");
        if (host is not null)
        {
            report.Mapped(host, "match[0]");
        }

        builder.TryAddPeer(peer, report);
    }

    private static bool IsDenyAll(string value) =>
        AddressRange.TryParse(value, out var n) && n.PrefixLength == 0;

    private sealed class PeerDefaults
    {
        public string? VoicemailExtension { get; set; }

        public string? FromUser { get; set; }

        public bool OmitUrgent { get; set; }

        public bool SubscribeMwi { get; set; }

        public bool AllowSubscribe { get; set; } = true;
    }
}
