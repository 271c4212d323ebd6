using System.Globalization;
using System.Text;

namespace Lantern.Sip.Messages;

/// <summary>A parsed <c>sip:</c>, <c>sips:</c> or <c>tel:</c> URI (RFC 3261 §19.1, RFC 3966); other schemes keep their text.</summary>
public sealed class SipUri
{
    private static readonly IReadOnlyList<KeyValuePair<string, string?>> NoParameters = [];

    private SipUri(SipUriScheme scheme, string schemeText)
    {
        Scheme = scheme;
        SchemeText = schemeText;
    }

    public SipUriScheme Scheme { get; }

    /// <summary>The scheme as written, lower-cased (<c>sip</c>, <c>tel</c>, <c>http</c>...).</summary>
    public string SchemeText { get; }

    /// <summary>The user part with %-escapes decoded (for tel: the number); null when absent.</summary>
    public string? User { get; private init; }

    public string? Password { get; private init; }

    /// <summary>Host name or address, IPv6 without brackets; empty for tel: and other schemes.</summary>
    public string Host { get; private init; } = string.Empty;

    public bool IsIPv6 { get; private init; }

    /// <summary>Port, or 0 when the URI has none.</summary>
    public int Port { get; private init; }

    public IReadOnlyList<KeyValuePair<string, string?>> Parameters { get; private init; } = NoParameters;

    public IReadOnlyList<KeyValuePair<string, string?>> Headers { get; private init; } = NoParameters;

    /// <summary>Everything after the colon, for schemes other than sip/sips/tel.</summary>
    public string? Opaque { get; private init; }

    /// <summary>Builds a sip: or sips: URI.</summary>
    public static SipUri Create(string? user, string host, int port = 0, bool secure = false, IReadOnlyList<KeyValuePair<string, string?>>? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        var ipv6 = host.Contains(':', StringComparison.Ordinal);
        return new SipUri(secure ? SipUriScheme.Sips : SipUriScheme.Sip, secure ? "sips" : "sip")
        {
            User = user,
            Host = ipv6 ? host.Trim('[', ']') : host,
            IsIPv6 = ipv6,
            Port = port,
            Parameters = parameters ?? NoParameters,
        };
    }

    /// <summary>The value of a URI parameter; null when absent or valueless.</summary>
    public string? GetParameter(string name)
    {
        foreach (var p in Parameters)
        {
            if (string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return p.Value;
            }
        }

        return null;
    }

    public bool HasParameter(string name)
    {
        foreach (var p in Parameters)
        {
            if (string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public static bool TryParse(string text, out SipUri? uri)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(Encoding.UTF8.GetBytes(text), out uri);
    }

    /// <summary>Parses a URI; false (never an exception) when malformed.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out SipUri? uri)
    {
        uri = null;
        text = SipSyntax.Trim(text);
        var colon = text.IndexOf((byte)':');
        if (colon <= 0 || !IsScheme(text[..colon]))
        {
            return false;
        }

        var schemeBytes = text[..colon];
        var rest = text[(colon + 1)..];
        if (Ascii.EqualsIgnoreCase(schemeBytes, "sip"u8) || Ascii.EqualsIgnoreCase(schemeBytes, "sips"u8))
        {
            return TryParseSip(schemeBytes.Length == 4 ? SipUriScheme.Sips : SipUriScheme.Sip, rest, out uri);
        }

        if (Ascii.EqualsIgnoreCase(schemeBytes, "tel"u8))
        {
            return TryParseTel(rest, out uri);
        }

        if (rest.IsEmpty || rest.ContainsAny(SipSyntax.UriForbidden))
        {
            return false;
        }

        uri = new SipUri(SipUriScheme.Other, Encoding.ASCII.GetString(schemeBytes).ToLowerInvariant()) { Opaque = Encoding.UTF8.GetString(rest) };
        return true;
    }

    private static bool IsScheme(ReadOnlySpan<byte> s)
    {
        if (!char.IsAsciiLetter((char)s[0]))
        {
            return false;
        }

        foreach (var b in s)
        {
            if (!char.IsAsciiLetterOrDigit((char)b) && b is not ((byte)'+' or (byte)'-' or (byte)'.'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryParseSip(SipUriScheme scheme, ReadOnlySpan<byte> rest, out SipUri? uri)
    {
        uri = null;
        if (rest.ContainsAny(SipSyntax.UriForbidden))
        {
            return false;
        }

        string? user = null;
        string? password = null;
        var at = rest.IndexOf((byte)'@');
        if (at >= 0)
        {
            var userInfo = rest[..at];
            var pc = userInfo.IndexOf((byte)':');
            var userPart = pc < 0 ? userInfo : userInfo[..pc];
            if (userPart.IsEmpty || !TryUnescape(userPart, out user))
            {
                return false;
            }

            if (pc >= 0 && !TryUnescape(userInfo[(pc + 1)..], out password))
            {
                return false;
            }

            rest = rest[(at + 1)..];
        }

        var hostEnd = rest.IndexOfAny(";?"u8);
        var hostPort = hostEnd < 0 ? rest : rest[..hostEnd];
        var tail = hostEnd < 0 ? default : rest[hostEnd..];
        if (!TryParseHostPort(hostPort, out var host, out var ipv6, out var port))
        {
            return false;
        }

        var q = tail.IndexOf((byte)'?');
        var paramSection = q < 0 ? tail : tail[..q];
        var headerSection = q < 0 ? default : tail[(q + 1)..];
        uri = new SipUri(scheme, scheme == SipUriScheme.Sips ? "sips" : "sip")
        {
            User = user,
            Password = password,
            Host = host,
            IsIPv6 = ipv6,
            Port = port,
            Parameters = paramSection.IsEmpty ? NoParameters : SipSyntax.ParseParameters(paramSection),
            Headers = headerSection.IsEmpty ? NoParameters : ParseUriHeaders(headerSection),
        };
        return true;
    }

    internal static bool TryParseHostPort(ReadOnlySpan<byte> hostPort, out string host, out bool ipv6, out int port)
    {
        host = string.Empty;
        if (!TryScanHostPort(hostPort, out var start, out var length, out ipv6, out port))
        {
            return false;
        }

        host = Encoding.ASCII.GetString(hostPort.Slice(start, length));
        return true;
    }

    /// <summary>Checks <c>host[:port]</c> without allocating; the host (IPv6 without brackets) is at <paramref name="start"/>.</summary>
    internal static bool TryScanHostPort(ReadOnlySpan<byte> hostPort, out int start, out int length, out bool ipv6, out int port)
    {
        start = 0;
        length = 0;
        ipv6 = false;
        port = 0;
        ReadOnlySpan<byte> hostBytes;
        ReadOnlySpan<byte> portBytes = default;
        if (!hostPort.IsEmpty && hostPort[0] == (byte)'[')
        {
            var close = hostPort.IndexOf((byte)']');
            if (close < 2)
            {
                return false;
            }

            hostBytes = hostPort[1..close];
            start = 1;
            ipv6 = true;
            var after = hostPort[(close + 1)..];
            if (!after.IsEmpty)
            {
                if (after[0] != (byte)':')
                {
                    return false;
                }

                portBytes = after[1..];
                if (portBytes.IsEmpty)
                {
                    return false;
                }
            }

            // RFC 5118 §4.10: the three-colon form RFC 3261's ABNF allowed (2001:db8:::192.0.2.1) is tolerated too, so only
            // the characters are checked, and a colon is required (an IPv6 reference without one is no address).
            if (hostBytes.ContainsAnyExcept(SipSyntax.Ipv6Chars) || hostBytes.IndexOf((byte)':') < 0)
            {
                return false;
            }
        }
        else
        {
            var pc = hostPort.IndexOf((byte)':');
            hostBytes = pc < 0 ? hostPort : hostPort[..pc];
            if (pc >= 0)
            {
                portBytes = hostPort[(pc + 1)..];
                if (portBytes.IsEmpty)
                {
                    return false;
                }
            }

            if (hostBytes.IsEmpty || hostBytes.ContainsAnyExcept(SipSyntax.HostChars))
            {
                return false;
            }
        }

        if (!portBytes.IsEmpty)
        {
            if (!SipSyntax.TryParseNumber(portBytes, 65535, out var p))
            {
                return false;
            }

            port = (int)p;
        }

        length = hostBytes.Length;
        return true;
    }

    private static bool TryParseTel(ReadOnlySpan<byte> rest, out SipUri? uri)
    {
        uri = null;
        var semi = rest.IndexOf((byte)';');
        var number = semi < 0 ? rest : rest[..semi];
        if (number.IsEmpty || number.ContainsAny(SipSyntax.TelForbidden) || !TryUnescape(number, out var user))
        {
            return false;
        }

        uri = new SipUri(SipUriScheme.Tel, "tel")
        {
            User = user,
            Parameters = semi < 0 ? NoParameters : SipSyntax.ParseParameters(rest[semi..]),
        };
        return true;
    }

    private static List<KeyValuePair<string, string?>> ParseUriHeaders(ReadOnlySpan<byte> section)
    {
        var list = new List<KeyValuePair<string, string?>>();
        foreach (var range in section.Split((byte)'&'))
        {
            var piece = section[range];
            var eq = piece.IndexOf((byte)'=');
            var name = eq < 0 ? piece : piece[..eq];
            if (name.IsEmpty)
            {
                continue;
            }

            _ = TryUnescape(name, out var n);
            string? v = null;
            if (eq >= 0)
            {
                _ = TryUnescape(piece[(eq + 1)..], out v);
            }

            list.Add(new(n ?? string.Empty, v));
        }

        return list;
    }

    /// <summary>Decodes %HH escapes; false on a malformed escape.</summary>
    internal static bool TryUnescape(ReadOnlySpan<byte> text, out string? value)
    {
        value = null;
        if (text.IndexOf((byte)'%') < 0)
        {
            value = Encoding.UTF8.GetString(text);
            return true;
        }

        var buffer = new byte[text.Length];
        var n = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == (byte)'%')
            {
                if (i + 2 >= text.Length || !IsHex(text[i + 1]) || !IsHex(text[i + 2]))
                {
                    return false;
                }

                buffer[n++] = (byte)((HexValue(text[i + 1]) << 4) | HexValue(text[i + 2]));
                i += 2;
            }
            else
            {
                buffer[n++] = text[i];
            }
        }

        value = Encoding.UTF8.GetString(buffer, 0, n);
        return true;
    }

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);

    private static int HexValue(byte b) => b <= (byte)'9' ? b - '0' : (b | 0x20) - 'a' + 10;

    private static void AppendEscaped(StringBuilder sb, string text, bool isUser)
    {
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)b;
            var safe = char.IsAsciiLetterOrDigit(c) || "-_.!~*'()".Contains(c, StringComparison.Ordinal)
                || (isUser ? "&=+$,;?/".Contains(c, StringComparison.Ordinal) : "&=+$,".Contains(c, StringComparison.Ordinal));
            if (safe)
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(((int)b).ToString("X2", CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>The URI in wire form, user re-escaped where needed.</summary>
    public override string ToString()
    {
        if (Scheme == SipUriScheme.Other)
        {
            return SchemeText + ":" + Opaque;
        }

        var sb = new StringBuilder(64);
        sb.Append(SchemeText).Append(':');
        if (Scheme == SipUriScheme.Tel)
        {
            sb.Append(User);
        }
        else
        {
            if (User is not null)
            {
                AppendEscaped(sb, User, isUser: true);
                if (Password is not null)
                {
                    sb.Append(':');
                    AppendEscaped(sb, Password, isUser: false);
                }

                sb.Append('@');
            }

            sb.Append(IsIPv6 ? "[" + Host + "]" : Host);
            if (Port != 0)
            {
                sb.Append(':').Append(Port.ToString(CultureInfo.InvariantCulture));
            }
        }

        foreach (var p in Parameters)
        {
            sb.Append(';').Append(p.Key);
            if (p.Value is not null)
            {
                sb.Append('=').Append(p.Value);
            }
        }

        for (var i = 0; i < Headers.Count; i++)
        {
            sb.Append(i == 0 ? '?' : '&').Append(Headers[i].Key).Append('=').Append(Headers[i].Value);
        }

        return sb.ToString();
    }
}
