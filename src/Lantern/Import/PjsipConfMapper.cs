using Lantern.Configuration;

namespace Lantern.Import;

/// <summary>Maps res_pjsip's pjsip.conf (config.md §3) into an <see cref="ImportBuilder"/>.</summary>
internal static class PjsipConfMapper
{
    public static void Map(AsteriskConfig config, ImportBuilder builder)
    {
        var referenced = new HashSet<AsteriskSection>();
        string? defaultVoicemail = null;
        foreach (var section in config.Sections)
        {
            if (section.IsTemplate)
            {
                continue;
            }

            if (section.Type == "global")
            {
                defaultVoicemail = MapGlobal(section, builder) ?? defaultVoicemail;
                referenced.Add(section);
            }
            else if (section.Type == "transport")
            {
                MapTransport(section, builder);
                referenced.Add(section);
            }
        }

        foreach (var section in config.Sections)
        {
            if (!section.IsTemplate && section.Type == "endpoint")
            {
                referenced.Add(section);
                MapEndpoint(config, section, defaultVoicemail, builder, referenced);
            }
        }

        foreach (var section in config.Sections)
        {
            if (referenced.Contains(section) || (section.IsTemplate && section.IsInherited))
            {
                continue;
            }

            var reason = section.IsTemplate ? $"template [{section.Name}] is not used by any section"
                : section.Type is "aor" or "auth" or "identify" ? $"[{section.Name}] (type={section.Type}) is not used by any imported endpoint"
                : section.Type.Length == 0 ? $"[{section.Name}] has no type="
                : $"type={section.Type}: {AsteriskMapping.NotUsed}";
            AsteriskMapping.IgnoreAll(section.IsTemplate ? section.Own : section.Settings, reason, builder);
        }
    }

    private static string? MapGlobal(AsteriskSection section, ImportBuilder builder)
    {
        string? voicemail = null;
        var report = new PendingReport();
        foreach (var s in section.Settings)
        {
            switch (s.Key.ToLowerInvariant())
            {
                case "type":
                    report.Used(s, "global defaults");
                    break;
                case "default_voicemail_extension":
                    if (AsteriskMapping.IsExtension(s, report))
                    {
                        voicemail = s.Value;
                        report.MappedAbsolute(s, "voicemailExtension of every pjsip endpoint without its own");
                    }

                    break;
                case "mwi_disable_initial_unsolicited":
                    builder.SendOnStartup = !AsteriskMapping.IsTrue(s.Value);
                    report.MappedAbsolute(s, "sip.unsolicited.sendOnStartup");
                    break;
                default:
                    report.Ignored(s, AsteriskMapping.NotUsed);
                    break;
            }
        }

        report.Commit(builder.Report, string.Empty);
        return voicemail;
    }

    private static void MapTransport(AsteriskSection section, ImportBuilder builder)
    {
        var report = new PendingReport();
        var protocol = section.Last("protocol")?.Value.ToLowerInvariant() ?? "udp";
        var bind = section.Last("bind");
        var cert = section.Last("cert_file");
        var key = section.Last("priv_key_file");
        string? path = null;
        var reason = string.Empty;
        if (protocol is not ("udp" or "tcp" or "tls"))
        {
            reason = $"protocol {protocol} is not supported (udp, tcp, tls)";
        }
        else if (bind is null)
        {
            reason = "no bind=";
        }
        else if (protocol == "tls" && cert is null)
        {
            reason = "tls without cert_file";
        }
        else
        {
            path = builder.AddListener(protocol, bind.Value, protocol == "tls" ? 5061 : 5060, cert?.Value, protocol == "tls" ? (key ?? cert)?.Value : null, out reason);
        }

        foreach (var s in section.Settings)
        {
            var k = s.Key.ToLowerInvariant();
            if (k == "type")
            {
                report.Used(s, "a SIP listener");
            }
            else if (k is "protocol" or "bind" or "cert_file" or "priv_key_file")
            {
                if (path is null)
                {
                    report.Ignored(s, reason);
                }
                else
                {
                    report.MappedAbsolute(s, path);
                }
            }
            else
            {
                report.Ignored(s, AsteriskMapping.NotUsed);
            }
        }

        report.Commit(builder.Report, string.Empty);
    }

    private static void MapEndpoint(AsteriskConfig config, AsteriskSection section, string? defaultVoicemail, ImportBuilder builder, HashSet<AsteriskSection> referenced)
    {
        var draft = new EndpointDraft(section.Name, section.Location);
        var r = draft.Report;
        AsteriskSetting? incoming = null;
        AsteriskSection? auth = null;
        foreach (var s in section.Settings)
        {
            switch (s.Key.ToLowerInvariant())
            {
                case "type":
                    r.Used(s, "an endpoint");
                    break;
                case "mailboxes":
                    AsteriskMapping.MapMailboxes(s, draft, "mailboxes", anyListCounts: false);
                    break;
                case "aggregate_mwi":
                    draft.Aggregate = AsteriskMapping.IsTrue(s.Value) ? null : false;
                    r.Mapped(s, AsteriskMapping.IsTrue(s.Value) ? "aggregate (default true)" : "aggregate");
                    break;
                case "mwi_from_user":
                    draft.FromUser = s.Value;
                    r.Mapped(s, "fromUser");
                    break;
                case "mwi_subscribe_replaces_unsolicited":
                    draft.SubscribeReplacesUnsolicited = AsteriskMapping.IsTrue(s.Value);
                    r.Mapped(s, "subscribeReplacesUnsolicited");
                    break;
                case "voicemail_extension":
                    AsteriskMapping.MapVoicemailExtension(s, draft);
                    break;
                case "incoming_mwi_mailbox":
                    incoming = s;
                    break;
                case "auth":
                    auth = FindAuth(config, s, r);
                    break;
                case "aors":
                    foreach (var name in s.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        var aor = config.Sections.Find(x => !x.IsTemplate && x.Name == name && x.Type == "aor");
                        if (aor is null)
                        {
                            r.Ignored(s, $"AOR [{name}] not found");
                            continue;
                        }

                        r.Used(s, $"merges AOR [{name}]");
                        referenced.Add(aor);
                        MergeAor(aor, draft, builder);
                    }

                    break;
                case "outbound_auth":
                    r.Ignored(s, "credentials for requests Asterisk sends; Lantern sends NOTIFYs without them");
                    break;
                default:
                    r.Ignored(s, AsteriskMapping.NotUsed);
                    break;
            }
        }

        if (auth is not null)
        {
            referenced.Add(auth);
            MergeAuth(auth, draft, builder);
        }

        draft.VoicemailExtension ??= defaultVoicemail;
        var identifies = config.Sections.FindAll(x => !x.IsTemplate && x.Type == "identify"
            && string.Equals(x.Last("endpoint")?.Value, section.Name, StringComparison.Ordinal));
        var matches = new List<(AsteriskSetting Setting, string Value)>();
        foreach (var identify in identifies)
        {
            referenced.Add(identify);
            foreach (var s in identify.Settings)
            {
                if (string.Equals(s.Key, "match", StringComparison.OrdinalIgnoreCase))
                {
                    foreach (var m in s.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        matches.Add((s, m));
                    }
                }
            }
        }

        foreach (var identify in identifies)
        {
            foreach (var s in identify.Settings)
            {
                var k = s.Key.ToLowerInvariant();
                if (k is "type" or "endpoint")
                {
                    r.Used(s, $"identifies endpoint {section.Name} by address");
                }
                else if (k == "match")
                {
                    if (!draft.HasCredentials)
                    {
                        foreach (var (setting, value) in matches)
                        {
                            if (setting == s && AddressRange.TryParse(value, out var network))
                            {
                                draft.Permit.Add(network.ToString());
                            }
                        }

                        r.Mapped(s, "permit (no auth: the address authenticates it)");
                    }
                    else
                    {
                        r.Used(s, "identifies the endpoint; Lantern authenticates it by digest");
                    }
                }
                else
                {
                    r.Ignored(s, AsteriskMapping.NotUsed);
                }
            }
        }

        builder.TryAddEndpoint(draft);
        if (incoming is not null)
        {
            MapIncoming(section, incoming, matches, auth, builder);
        }
    }

    private static AsteriskSection? FindAuth(AsteriskConfig config, AsteriskSetting s, PendingReport r)
    {
        var names = s.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0)
        {
            r.Ignored(s, "empty");
            return null;
        }

        var auth = config.Sections.Find(x => !x.IsTemplate && x.Name == names[0] && x.Type == "auth");
        if (auth is null)
        {
            r.Ignored(s, $"auth [{names[0]}] not found");
            return null;
        }

        r.Used(s, $"credentials from [{names[0]}]" + (names.Length > 1 ? "; only the first auth is imported" : string.Empty));
        return auth;
    }

    private static void MergeAuth(AsteriskSection auth, EndpointDraft draft, ImportBuilder builder)
    {
        var r = draft.Report;
        var useMd5 = string.Equals(auth.Last("auth_type")?.Value, "md5", StringComparison.OrdinalIgnoreCase)
            || (auth.Last("password") is null && auth.Last("md5_cred") is not null);
        foreach (var s in auth.Settings)
        {
            switch (s.Key.ToLowerInvariant())
            {
                case "type":
                case "auth_type":
                    r.Used(s, $"auth of endpoint {draft.Id}");
                    break;
                case "username":
                    if (s.Value != draft.Id)
                    {
                        draft.AuthUser = s.Value;
                        r.Mapped(s, "authUser");
                    }
                    else
                    {
                        r.Used(s, "same as the endpoint id");
                    }

                    break;
                case "password":
                    if (useMd5)
                    {
                        r.Ignored(s, "auth_type=md5 uses md5_cred");
                    }
                    else
                    {
                        draft.Password = s.Value;
                        r.Mapped(s, "password");
                    }

                    break;
                case "md5_cred":
                    if (useMd5)
                    {
                        draft.Ha1 = s.Value.ToLowerInvariant();
                        r.Mapped(s, "ha1");
                    }
                    else
                    {
                        r.Ignored(s, "auth_type is not md5; the password is used");
                    }

                    break;
                case "realm":
                    if (builder.Realm is null || builder.Realm == s.Value)
                    {
                        builder.Realm = s.Value;
                        r.MappedAbsolute(s, "sip.realm");
                    }
                    else
                    {
                        r.Ignored(s, $"Lantern has one realm; sip.realm is already \"{builder.Realm}\"");
                    }

                    break;
                default:
                    r.Ignored(s, AsteriskMapping.NotUsed);
                    break;
            }
        }
    }

    private static void MergeAor(AsteriskSection aor, EndpointDraft draft, ImportBuilder builder)
    {
        var r = draft.Report;
        foreach (var s in aor.Settings)
        {
            switch (s.Key.ToLowerInvariant())
            {
                case "type":
                    r.Used(s, $"AOR of endpoint {draft.Id}");
                    break;
                case "mailboxes":
                    AsteriskMapping.MapMailboxes(s, draft, "mailboxes", anyListCounts: false);
                    break;
                case "voicemail_extension":
                    if (draft.VoicemailExtension is not null)
                    {
                        r.Ignored(s, "the endpoint sets its own voicemail_extension");
                    }
                    else
                    {
                        AsteriskMapping.MapVoicemailExtension(s, draft);
                    }

                    break;
                case "contact":
                    foreach (var c in s.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        if (c.StartsWith("sip:", StringComparison.OrdinalIgnoreCase) || c.StartsWith("sips:", StringComparison.OrdinalIgnoreCase))
                        {
                            draft.Contacts.Add(c);
                            r.Mapped(s, $"contacts[{draft.Contacts.Count - 1}]");
                        }
                        else
                        {
                            r.Ignored(s, $"\"{c}\" is not a sip: or sips: URI");
                        }
                    }

                    break;
                case "max_contacts":
                    if (ImportBuilder.TryParseInt(s.Value, 0, out var max))
                    {
                        draft.MaxContacts = max;
                        r.Mapped(s, "maxContacts");
                    }
                    else
                    {
                        r.Ignored(s, "not a number");
                    }

                    break;
                case "minimum_expiration":
                    MapExpiration(s, builder, r, b => b.RegistrationMin, (b, v) => b.RegistrationMin = v, "sip.registrations.minExpires");
                    break;
                case "maximum_expiration":
                    MapExpiration(s, builder, r, b => b.RegistrationMax, (b, v) => b.RegistrationMax = v, "sip.registrations.maxExpires");
                    break;
                case "default_expiration":
                    MapExpiration(s, builder, r, b => b.RegistrationDefault, (b, v) => b.RegistrationDefault = v, "sip.registrations.defaultExpires");
                    break;
                default:
                    r.Ignored(s, AsteriskMapping.NotUsed);
                    break;
            }
        }
    }

    private static void MapExpiration(AsteriskSetting s, ImportBuilder builder, PendingReport r, Func<ImportBuilder, int?> get, Action<ImportBuilder, int> set, string path)
    {
        if (!AsteriskMapping.TryParseSeconds(s, r, out var v))
        {
            return;
        }

        if (get(builder) is { } existing && existing != v)
        {
            r.Ignored(s, $"{path} is global in Lantern and already {existing}");
        }
        else
        {
            set(builder, v);
            r.MappedAbsolute(s, path + " (global in Lantern)");
        }
    }

    private static void MapIncoming(AsteriskSection section, AsteriskSetting incoming, List<(AsteriskSetting Setting, string Value)> matches, AsteriskSection? auth, ImportBuilder builder)
    {
        var report = new PendingReport();
        var peer = new PeerOptions { Name = section.Name, Mailbox = incoming.Value };
        report.Mapped(incoming, "mailbox");
        var seen = new HashSet<AsteriskSetting>();
        foreach (var (setting, value) in matches)
        {
            if (AddressRange.TryParse(value, out _) || AddressRange.IsHostName(value))
            {
                peer.Match.Add(value);
                if (seen.Add(setting))
                {
                    report.Mapped(setting, "match");
                }
            }
            else
            {
                report.Ignored(setting, $"\"{value}\" is not an address, range or host name");
            }
        }

        if (peer.Match.Count == 0)
        {
            report.Drop(builder.Report, $"incoming_mwi_mailbox needs a type=identify with match= for endpoint {section.Name}; add peers[] by hand");
            return;
        }

        var user = auth?.Last("username");
        var password = auth?.Last("password");
        if (user is not null && password is not null)
        {
            peer.Username = user.Value;
            peer.Password = password.Value;
            report.Mapped(user, "username");
            report.Mapped(password, "password");
        }

        builder.TryAddPeer(peer, report);
    }
}
