using System.Net;
using Lantern.Mailboxes;

namespace Lantern.Configuration;

/// <summary>The validation rules, shared by start-up and <c>lantern config check</c>.</summary>
internal static class LanternOptionsChecks
{
    public static void Check(LanternOptions options, List<string> errors)
    {
        errors.AddRange(options.BindErrors);
        CheckLogging(options.Logging, errors);
        var sip = options.Sip;
        if (string.IsNullOrWhiteSpace(sip.Domain))
        {
            errors.Add("sip.domain: must not be empty");
        }

        for (var i = 0; i < sip.Listen.Count; i++)
        {
            var l = sip.Listen[i];
            if (l.Transport is not ("udp" or "tcp" or "tls" or "ws" or "wss"))
            {
                errors.Add($"sip.listen[{i}].transport: \"{l.Transport}\" is not udp, tcp, tls, ws or wss");
            }

            if (!IPAddress.TryParse(l.Address, out _))
            {
                errors.Add($"sip.listen[{i}].address: \"{l.Address}\" is not an IP address");
            }

            if (l.Port is < 0 or > 65535)
            {
                errors.Add($"sip.listen[{i}].port: {l.Port} is not 0-65535");
            }

            if (l.Transport is "tls" or "wss" && (string.IsNullOrEmpty(l.Certificate) || string.IsNullOrEmpty(l.Key)))
            {
                errors.Add($"sip.listen[{i}]: {l.Transport} needs certificate and key");
            }

            for (var o = 0; o < l.AllowedOrigins.Count; o++)
            {
                if (l.Transport is not ("ws" or "wss"))
                {
                    errors.Add($"sip.listen[{i}].allowedOrigins: only ws and wss listeners check origins");
                    break;
                }

                if (!Uri.TryCreate(l.AllowedOrigins[o], UriKind.Absolute, out var origin) || origin.AbsolutePath != "/" || l.AllowedOrigins[o].EndsWith('/'))
                {
                    errors.Add($"sip.listen[{i}].allowedOrigins[{o}]: \"{l.AllowedOrigins[o]}\" is not an origin (scheme://host[:port], no path)");
                }
            }
        }

        if (sip.Realm is not null && (sip.Realm.Length == 0 || sip.Realm.Contains('"', StringComparison.Ordinal) || sip.Realm.Contains('\\', StringComparison.Ordinal)))
        {
            errors.Add($"sip.realm: \"{sip.Realm}\" must not be empty or contain quotes or backslashes");
        }

        if (sip.Unsolicited.StartupWindowSeconds < 0)
        {
            errors.Add($"sip.unsolicited.startupWindowSeconds: {sip.Unsolicited.StartupWindowSeconds} must not be negative");
        }

        CheckPositive(errors, "sip.timers.t1Ms", sip.Timers.T1Ms);
        CheckPositive(errors, "sip.timers.t2Ms", sip.Timers.T2Ms);
        CheckPositive(errors, "sip.timers.t4Ms", sip.Timers.T4Ms);
        CheckExpiry(errors, "sip.subscriptions", sip.Subscriptions);
        CheckExpiry(errors, "sip.registrations", sip.Registrations);
        if (!string.IsNullOrEmpty(options.Store.Sqlite) && !string.IsNullOrEmpty(options.Store.Postgres))
        {
            errors.Add("store: set either sqlite or postgres, not both");
        }

        if (options.Store.NodeId is { } nodeId && (nodeId.Length is 0 or > 64 || nodeId.Any(char.IsWhiteSpace)))
        {
            errors.Add($"store.nodeId: \"{nodeId}\" must be 1-64 characters without spaces");
        }

        if (options.Store.LeaseMilliseconds is < 500 or > 600_000)
        {
            errors.Add($"store.leaseMilliseconds: {options.Store.LeaseMilliseconds} is not 500-600000");
        }

        if (options.Store.UpstreamFailoverMilliseconds is < 100 or > 600_000)
        {
            errors.Add($"store.upstreamFailoverMilliseconds: {options.Store.UpstreamFailoverMilliseconds} is not 100-600000");
        }

        if (options.Store.CommandTimeoutSeconds is < 1 or > 600)
        {
            errors.Add($"store.commandTimeoutSeconds: {options.Store.CommandTimeoutSeconds} is not 1-600");
        }

        if (options.Store.MigrationTimeoutSeconds is < 1 or > 86_400)
        {
            errors.Add($"store.migrationTimeoutSeconds: {options.Store.MigrationTimeoutSeconds} is not 1-86400");
        }

        if (!IPEndPoint.TryParse(options.Http.Listen, out _))
        {
            errors.Add($"http.listen: \"{options.Http.Listen}\" is not address:port");
        }

        if (!IPEndPoint.TryParse(options.Ami.Listen, out _))
        {
            errors.Add($"ami.listen: \"{options.Ami.Listen}\" is not address:port");
        }

        CheckUsers(errors, "http.users", options.Http.Users.ConvertAll(u => (u.Name, u.Password)), "password");
        CheckUsers(errors, "ami.users", options.Ami.Users.ConvertAll(u => (u.Name, u.Secret)), "secret");
        CheckDigestAlgorithms(errors, "sip.digestAlgorithms", sip.DigestAlgorithms);
        CheckPositive(errors, "sip.maxTransactions", sip.MaxTransactions);
        CheckPositive(errors, "sip.overload.maxQueueDelayMs", sip.Overload.MaxQueueDelayMs);
        CheckPositive(errors, "sip.overload.maxStoreDelayMs", sip.Overload.MaxStoreDelayMs);
        CheckPositive(errors, "sip.overload.admissionTargetMs", sip.Overload.AdmissionTargetMs);
        if (sip.Overload.MinQueuedToRefuse < 0)
        {
            errors.Add($"sip.overload.minQueuedToRefuse: {sip.Overload.MinQueuedToRefuse} must not be negative (0 refuses on delay alone)");
        }

        CheckPositive(errors, "sip.overload.maxQueuedPerShard", sip.Overload.MaxQueuedPerShard);
        CheckPositive(errors, "sip.overload.maxNotifiesInFlight", sip.Overload.MaxNotifiesInFlight);
        CheckPositive(errors, "sip.overload.retryAfterSeconds", sip.Overload.RetryAfterSeconds);
        if (sip.Overload.RetryAfterJitterSeconds < 0)
        {
            errors.Add($"sip.overload.retryAfterJitterSeconds: {sip.Overload.RetryAfterJitterSeconds} must not be negative (0 turns jitter off)");
        }

        CheckPositive(errors, "sip.maxTrackedNonces", sip.MaxTrackedNonces);
        CheckPositive(errors, "sip.authFailures.limit", sip.AuthFailures.Limit);
        CheckPositive(errors, "sip.authFailures.windowSeconds", sip.AuthFailures.WindowSeconds);
        CheckPositive(errors, "sip.authFailures.banSeconds", sip.AuthFailures.BanSeconds);
        if (sip.AuthFailures.UserLimit < 0)
        {
            errors.Add($"sip.authFailures.userLimit: {sip.AuthFailures.UserLimit} must not be negative (0 turns per-user locking off)");
        }

        CheckPositive(errors, "sip.maxConnections", sip.MaxConnections);
        CheckPositive(errors, "sip.maxConnectionsPerAddress", sip.MaxConnectionsPerAddress);
        if (sip.MessageTimeoutSeconds < 0)
        {
            errors.Add($"sip.messageTimeoutSeconds: {sip.MessageTimeoutSeconds} must not be negative (0 disables)");
        }
        var ami = options.Ami;
        CheckPositive(errors, "ami.maxConnectionsPerUser", ami.MaxConnectionsPerUser);
        if (ami.IdleTimeoutSeconds < 0)
        {
            errors.Add($"ami.idleTimeoutSeconds: {ami.IdleTimeoutSeconds} must not be negative (0 disables)");
        }

        CheckPositive(errors, "ami.authTimeoutSeconds", ami.AuthTimeoutSeconds);
        CheckPositive(errors, "ami.authLimit", ami.AuthLimit);
        CheckPositive(errors, "ami.maxConnections", ami.MaxConnections);
        CheckPositive(errors, "ami.maxConnectionsPerAddress", ami.MaxConnectionsPerAddress);
        CheckPositive(errors, "ami.authLimitPerAddress", ami.AuthLimitPerAddress);
        CheckPositive(errors, "ami.outboundQueueLimit", ami.OutboundQueueLimit);
        CheckPositive(errors, "ami.maxLoginFailures", ami.MaxLoginFailures);
        CheckPositive(errors, "ami.regexTimeoutMilliseconds", ami.RegexTimeoutMilliseconds);
        if (ami.LoginFailureDelayMilliseconds < 0)
        {
            errors.Add($"ami.loginFailureDelayMilliseconds: {ami.LoginFailureDelayMilliseconds} must not be negative");
        }

        CheckPositive(errors, "http.maxEventStreams", options.Http.MaxEventStreams);
        CheckPositive(errors, "http.maxConnections", options.Http.MaxConnections);
        CheckPositive(errors, "http.maxConnectionsPerAddress", options.Http.MaxConnectionsPerAddress);
        CheckPositive(errors, "http.idleTimeoutSeconds", options.Http.IdleTimeoutSeconds);
        CheckPositive(errors, "http.eventStreamBacklog", options.Http.EventStreamBacklog);
        CheckPositive(errors, "http.eventStreamWriteTimeoutSeconds", options.Http.EventStreamWriteTimeoutSeconds);
        for (var i = 0; i < sip.Trusted.Count; i++)
        {
            if (!AddressRange.TryParse(sip.Trusted[i], out _))
            {
                errors.Add($"sip.trusted[{i}]: \"{sip.Trusted[i]}\" is not an IP address or CIDR range");
            }
        }

        CheckEndpoints(options.Endpoints, errors);
        var remoteMailboxes = new Dictionary<MailboxId, string>();
        CheckUpstreams(options.Upstreams, remoteMailboxes, errors);
        CheckPeers(options.Peers, remoteMailboxes, errors);
        CheckSpools(options.Spools, errors);
    }

    private static void CheckLogging(LoggingOptions logging, List<string> errors)
    {
        if (logging.Format is not ("text" or "json"))
        {
            errors.Add($"logging.format: \"{logging.Format}\" is not text or json");
        }

        CheckLevels(errors, "logging.levels", logging.Levels);
        CheckLevels(errors, "logging.LogLevel", logging.LogLevel);
    }

    private static void CheckLevels(List<string> errors, string path, Dictionary<string, string> levels)
    {
        foreach (var (category, level) in levels)
        {
            if (!TryParseLevel(level, out _))
            {
                errors.Add($"{path}.{category}: \"{level}\" is not Trace, Debug, Information, Warning, Error, Critical or None");
            }
        }
    }

    /// <summary>Reads a level name as written in <c>logging.levels</c> (case-insensitive; numbers refused).</summary>
    public static bool TryParseLevel(string? text, out LogLevel level)
    {
        level = LogLevel.None;
        return !string.IsNullOrEmpty(text) && char.IsLetter(text[0]) && Enum.TryParse(text, ignoreCase: true, out level) && Enum.IsDefined(level);
    }

    private static void CheckSpools(List<SpoolOptions> spools, List<string> errors)
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < spools.Count; i++)
        {
            var s = spools[i];
            var path = $"spools[{i}]";
            if (!MailboxId.IsValidPart(s.Name))
            {
                errors.Add($"{path}.name: \"{s.Name}\" must be 1-{MailboxId.MaxPartLength} characters from [A-Za-z0-9_.*#+-]");
            }
            else if (!names.TryAdd(s.Name, i))
            {
                errors.Add($"{path}.name: duplicate spool name \"{s.Name}\" (also spools[{names[s.Name]}])");
            }

            if (string.IsNullOrWhiteSpace(s.Path))
            {
                errors.Add($"{path}.path: must not be empty");
            }
            else if (!Directory.Exists(s.Path))
            {
                errors.Add($"{path}.path: directory \"{s.Path}\" does not exist");
            }

            CheckPositive(errors, path + ".rescanSeconds", s.RescanSeconds);
            if (s.DebounceMilliseconds < 0)
            {
                errors.Add($"{path}.debounceMilliseconds: {s.DebounceMilliseconds} must not be negative");
            }
        }
    }

    private static void CheckUsers(List<string> errors, string path, List<(string Name, string Secret)> users, string secretKey)
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < users.Count; i++)
        {
            var (name, secret) = users[i];
            if (string.IsNullOrWhiteSpace(name))
            {
                errors.Add($"{path}[{i}].name: must not be empty");
            }
            else if (!names.TryAdd(name, i))
            {
                errors.Add($"{path}[{i}].name: duplicate user \"{name}\" (also {path}[{names[name]}])");
            }

            if (string.IsNullOrEmpty(secret))
            {
                errors.Add($"{path}[{i}].{secretKey}: must not be empty");
            }
        }
    }

    private static void CheckEndpoints(List<EndpointOptions> endpoints, List<string> errors)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var authUsers = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < endpoints.Count; i++)
        {
            var e = endpoints[i];
            var path = $"endpoints[{i}]";
            if (!MailboxId.IsValidPart(e.Id))
            {
                errors.Add($"{path}.id: invalid endpoint id \"{e.Id}\": must be 1-{MailboxId.MaxPartLength} characters from [A-Za-z0-9_.*#+-]");
            }
            else if (!ids.TryAdd(e.Id, i))
            {
                errors.Add($"{path}.id: duplicate endpoint id \"{e.Id}\" (also endpoints[{ids[e.Id]}])");
            }

            if (!string.IsNullOrEmpty(e.AuthUser) && !IsUserPart(e.AuthUser))
            {
                errors.Add($"{path}.authUser: invalid user \"{e.AuthUser}\"");
            }
            else if (e.EffectiveAuthUser.Length > 0 && !e.IsAclOnly && !authUsers.TryAdd(e.EffectiveAuthUser, i))
            {
                errors.Add($"{path}.authUser: auth user \"{e.EffectiveAuthUser}\" is also used by endpoints[{authUsers[e.EffectiveAuthUser]}]");
            }

            if (!string.IsNullOrEmpty(e.Password) && !string.IsNullOrEmpty(e.Ha1))
            {
                errors.Add($"{path}: set either password or ha1, not both");
            }
            else if (e.IsAclOnly && e.Permit.Count == 0)
            {
                errors.Add($"{path}: needs password or ha1 (an endpoint without credentials must have a permit list)");
            }

            if (!string.IsNullOrEmpty(e.Ha1) && !IsHex(e.Ha1, 32))
            {
                errors.Add($"{path}.ha1: must be 32 hex digits (MD5 of user:realm:password)");
            }

            CheckDigestAlgorithms(errors, $"{path}.digestAlgorithms", e.DigestAlgorithms);
            if (!string.IsNullOrEmpty(e.Ha1) && e.DigestAlgorithms.Contains("SHA-256"))
            {
                errors.Add($"{path}.digestAlgorithms: SHA-256 needs the password; an endpoint stored as an MD5 ha1 can only answer MD5");
            }

            if (e.Mailboxes.Count == 0)
            {
                errors.Add($"{path}.mailboxes: at least one mailbox is needed");
            }

            var seen = new HashSet<MailboxId>();
            for (var m = 0; m < e.Mailboxes.Count; m++)
            {
                if (!MailboxId.TryParse(e.Mailboxes[m], out var id, out var error))
                {
                    errors.Add($"{path}.mailboxes[{m}]: {error}");
                }
                else if (!seen.Add(id))
                {
                    errors.Add($"{path}.mailboxes[{m}]: duplicate mailbox \"{id}\"");
                }
            }

            if (e.VoicemailExtension is { Length: > 0 } vm && !MailboxId.IsValidPart(vm))
            {
                errors.Add($"{path}.voicemailExtension: invalid extension \"{vm}\": must be characters from [A-Za-z0-9_.*#+-]");
            }

            if (e.FromUser is { Length: > 0 } from && !IsUserPart(from))
            {
                errors.Add($"{path}.fromUser: invalid user \"{from}\"");
            }

            for (var c = 0; c < e.Contacts.Count; c++)
            {
                if (!IsSipUri(e.Contacts[c]))
                {
                    errors.Add($"{path}.contacts[{c}]: \"{e.Contacts[c]}\" is not a sip: or sips: URI");
                }
            }

            for (var p = 0; p < e.Permit.Count; p++)
            {
                if (!AddressRange.TryParse(e.Permit[p], out _))
                {
                    errors.Add($"{path}.permit[{p}]: \"{e.Permit[p]}\" is not an IP address or CIDR range");
                }
            }

            if (e.MaxContacts < 0)
            {
                errors.Add($"{path}.maxContacts: {e.MaxContacts} must not be negative (0 means the default, 10)");
            }

            if (e.MaxSubscriptions < 1)
            {
                errors.Add($"{path}.maxSubscriptions: {e.MaxSubscriptions} must be greater than 0");
            }
        }
    }

    private static void CheckUpstreams(List<UpstreamOptions> upstreams, Dictionary<MailboxId, string> owners, List<string> errors)
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < upstreams.Count; i++)
        {
            var u = upstreams[i];
            var path = $"upstreams[{i}]";
            if (u.LineError is not null)
            {
                errors.Add($"{path}: {u.LineError}");
                continue;
            }

            if (u.Name.Length > 0 && !names.TryAdd(u.Name, i))
            {
                errors.Add($"{path}.name: duplicate upstream name \"{u.Name}\" (also upstreams[{names[u.Name]}])");
            }

            if (!IsUserPart(u.User))
            {
                errors.Add($"{path}.user: invalid or empty user \"{u.User}\"");
            }

            if (!string.IsNullOrEmpty(u.AuthUser) && !IsUserPart(u.AuthUser))
            {
                errors.Add($"{path}.authUser: invalid user \"{u.AuthUser}\"");
            }

            if (!AddressRange.IsHostName(u.Host) && !System.Net.IPAddress.TryParse(u.Host, out _))
            {
                errors.Add($"{path}.host: \"{u.Host}\" is not a host name or IP address");
            }

            if (u.Port is < 0 or > 65535)
            {
                errors.Add($"{path}.port: {u.Port} is not 1-65535 (0 or absent: resolve by SRV)");
            }

            if (u.Transport is not ("udp" or "tcp" or "tls"))
            {
                errors.Add($"{path}.transport: \"{u.Transport}\" is not udp, tcp or tls");
            }

            if (u.Expires < 1)
            {
                errors.Add($"{path}.expires: {u.Expires} must be greater than 0");
            }

            if (u.RefreshSeconds < 0)
            {
                errors.Add($"{path}.refreshSeconds: {u.RefreshSeconds} must be 0 (refresh at 85% of the grant only) or more");
            }

            if (u.Register && u.RegisterExpires < 1)
            {
                errors.Add($"{path}.registerExpires: {u.RegisterExpires} must be greater than 0");
            }

            if (!string.IsNullOrEmpty(u.OutboundProxy) && !IsSipUri(u.OutboundProxy) && !IsHostPort(u.OutboundProxy))
            {
                errors.Add($"{path}.outboundProxy: \"{u.OutboundProxy}\" is not host[:port] or a SIP URI");
            }

            if (!MailboxId.IsValidPart(u.Mailbox))
            {
                errors.Add($"{path}.mailbox: invalid mailbox \"{u.Mailbox}\": must be 1-{MailboxId.MaxPartLength} characters from [A-Za-z0-9_.*#+-]");
            }
            else if (!MailboxId.IsValidPart(u.Context))
            {
                errors.Add($"{path}.context: invalid context \"{u.Context}\"");
            }
            else if (u.TryGetMailboxId(out var id) && !owners.TryAdd(id, path))
            {
                errors.Add($"{path}.mailbox: mailbox \"{id}\" is already written by {owners[id]}");
            }
        }
    }

    private static void CheckPeers(List<PeerOptions> peers, Dictionary<MailboxId, string> owners, List<string> errors)
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < peers.Count; i++)
        {
            var p = peers[i];
            var path = $"peers[{i}]";
            if (string.IsNullOrWhiteSpace(p.Name))
            {
                errors.Add($"{path}.name: must not be empty");
            }
            else if (!names.TryAdd(p.Name, i))
            {
                errors.Add($"{path}.name: duplicate peer name \"{p.Name}\" (also peers[{names[p.Name]}])");
            }

            if (p.Match.Count == 0)
            {
                errors.Add($"{path}.match: at least one address, CIDR range or host name is needed");
            }

            for (var m = 0; m < p.Match.Count; m++)
            {
                if (!AddressRange.TryParse(p.Match[m], out _) && !AddressRange.IsHostName(p.Match[m]))
                {
                    errors.Add($"{path}.match[{m}]: \"{p.Match[m]}\" is not an address, CIDR range or host name");
                }
            }

            if (!p.TryGetMailboxId(out var id, out var error))
            {
                errors.Add($"{path}.mailbox: {error}");
            }
            else if (!owners.TryAdd(id, path))
            {
                errors.Add($"{path}.mailbox: mailbox \"{id}\" is already written by {owners[id]}");
            }

            if (string.IsNullOrEmpty(p.Username) != string.IsNullOrEmpty(p.Password))
            {
                errors.Add($"{path}: set both username and password, or neither");
            }
        }
    }

    // RFC 3261 user: unreserved / escaped / user-unreserved; '%' escapes are not needed in configuration.
    private static bool IsUserPart(string? s)
    {
        if (string.IsNullOrEmpty(s) || s.Length > 128)
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "-_.!~*'()&=+$,;?/".Contains(c, StringComparison.Ordinal) || c == '#'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsHex(string s, int length)
    {
        if (s.Length != length)
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsSipUri(string? s)
    {
        if (string.IsNullOrEmpty(s))
        {
            return false;
        }

        var rest = s.StartsWith("sip:", StringComparison.OrdinalIgnoreCase) ? s[4..]
            : s.StartsWith("sips:", StringComparison.OrdinalIgnoreCase) ? s[5..]
            : null;
        if (rest is null)
        {
            return false;
        }

        var at = rest.LastIndexOf('@');
        var hostPart = at < 0 ? rest : rest[(at + 1)..];
        var end = hostPart.IndexOfAny([';', '?']);
        return IsHostPort(end < 0 ? hostPart : hostPart[..end]);
    }

    private static bool IsHostPort(string s)
    {
        if (s.StartsWith('['))
        {
            var close = s.IndexOf(']', StringComparison.Ordinal);
            return close > 0 && IPAddress.TryParse(s.AsSpan(1, close - 1), out _) && IsPortSuffix(s.AsSpan(close + 1));
        }

        var colon = s.IndexOf(':', StringComparison.Ordinal);
        var host = colon < 0 ? s : s[..colon];
        return (AddressRange.IsHostName(host) || IPAddress.TryParse(host, out _)) && IsPortSuffix(colon < 0 ? [] : s.AsSpan(colon));
    }

    private static bool IsPortSuffix(ReadOnlySpan<char> s) =>
        s.IsEmpty || (s[0] == ':' && s.Length is > 1 and <= 6
            && int.TryParse(s[1..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            && port is >= 1 and <= 65535);

    private static void CheckDigestAlgorithms(List<string> errors, string path, List<string> algorithms)
    {
        for (var i = 0; i < algorithms.Count; i++)
        {
            if (algorithms[i] is not ("SHA-256" or "MD5"))
            {
                errors.Add($"{path}[{i}]: \"{algorithms[i]}\" is not SHA-256 or MD5");
            }
            else if (algorithms.IndexOf(algorithms[i]) != i)
            {
                errors.Add($"{path}[{i}]: \"{algorithms[i]}\" is listed twice");
            }
        }
    }

    private static void CheckPositive(List<string> errors, string path, int value)
    {
        if (value <= 0)
        {
            errors.Add($"{path}: {value} must be greater than 0");
        }
    }

    private static void CheckExpiry(List<string> errors, string path, ExpiryOptions e)
    {
        if (e.MinExpires < 1 || e.MinExpires > e.DefaultExpires || e.DefaultExpires > e.MaxExpires)
        {
            errors.Add($"{path}: need 1 <= minExpires ({e.MinExpires}) <= defaultExpires ({e.DefaultExpires}) <= maxExpires ({e.MaxExpires})");
        }
    }
}
