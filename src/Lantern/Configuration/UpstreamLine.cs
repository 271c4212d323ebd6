using System.Globalization;

namespace Lantern.Configuration;

/// <summary>Asterisk's <c>mwi =&gt; user[:secret[:authuser]]@host[:port]/mailbox</c> line, parsed as chan_sip does.</summary>
public static class UpstreamLine
{
    /// <summary>
    /// Parses a line into a new <see cref="UpstreamOptions"/> (transport udp). The host is after the LAST <c>@</c>;
    /// before it <c>user[:secret[:authuser]]</c> splits on the first two <c>:</c>; the mailbox is after the first
    /// <c>/</c> following the host; a port must be 1-65535. On failure <paramref name="error"/> names the line
    /// (secret masked) and the problem.
    /// </summary>
    public static bool TryParse(string? line, out UpstreamOptions upstream, out string error)
    {
        upstream = new UpstreamOptions { Transport = "udp", Line = line };
        var text = line?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            error = "invalid upstream line \"\": empty; expected user[:secret[:authuser]]@host[:port]/mailbox";
            return false;
        }

        var at = text.LastIndexOf('@');
        if (at < 0)
        {
            return Fail(text, "no '@' before the host", out error);
        }

        var userPart = text[..at];
        var hostPart = text[(at + 1)..];
        string user;
        string? secret = null;
        string? authUser = null;
        var colon = userPart.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            user = userPart;
        }
        else
        {
            user = userPart[..colon];
            var rest = userPart[(colon + 1)..];
            var colon2 = rest.IndexOf(':', StringComparison.Ordinal);
            secret = colon2 < 0 ? rest : rest[..colon2];
            authUser = colon2 < 0 ? null : rest[(colon2 + 1)..];
        }

        var slash = hostPart.IndexOf('/', StringComparison.Ordinal);
        var mailbox = slash < 0 ? string.Empty : hostPart[(slash + 1)..];
        var hostPort = slash < 0 ? hostPart : hostPart[..slash];
        if (user.Length == 0)
        {
            return Fail(text, "the user is empty", out error);
        }

        if (slash < 0 || mailbox.Length == 0)
        {
            return Fail(text, "no mailbox after '/'", out error);
        }

        if (!TrySplitHostPort(hostPort, out var host, out var port, out var problem))
        {
            return Fail(text, problem, out error);
        }

        upstream.User = user;
        upstream.Secret = string.IsNullOrEmpty(secret) ? null : secret;
        upstream.AuthUser = string.IsNullOrEmpty(authUser) ? null : authUser;
        upstream.Host = host;
        upstream.Port = port;
        upstream.Mailbox = mailbox;
        upstream.Name = DefaultName(upstream);
        error = string.Empty;
        return true;
    }

    /// <summary>Formats an upstream back into the line format (the inverse of <see cref="TryParse"/>).</summary>
    public static string Format(UpstreamOptions upstream)
    {
        var userInfo = upstream.User;
        if (!string.IsNullOrEmpty(upstream.Secret) || !string.IsNullOrEmpty(upstream.AuthUser))
        {
            userInfo += ":" + upstream.Secret;
            if (!string.IsNullOrEmpty(upstream.AuthUser))
            {
                userInfo += ":" + upstream.AuthUser;
            }
        }

        var host = upstream.Host.Contains(':', StringComparison.Ordinal) ? "[" + upstream.Host + "]" : upstream.Host;
        var port = upstream.Port > 0 ? ":" + upstream.Port.ToString(CultureInfo.InvariantCulture) : string.Empty;
        return $"{userInfo}@{host}{port}/{upstream.Mailbox}";
    }

    /// <summary>The name given to an upstream that has none: <c>user@host[:port]/mailbox</c>, no secret.</summary>
    public static string DefaultName(UpstreamOptions upstream)
    {
        var port = upstream.Port > 0 ? ":" + upstream.Port.ToString(CultureInfo.InvariantCulture) : string.Empty;
        return $"{upstream.User}@{upstream.Host}{port}/{upstream.Mailbox}";
    }

    /// <summary>Masks the secret of a line so error messages and logs never show it.</summary>
    public static string Mask(string text)
    {
        var at = text.LastIndexOf('@');
        if (at < 0)
        {
            return text;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || colon > at)
        {
            return text;
        }

        var colon2 = text.IndexOf(':', colon + 1);
        var secretEnd = colon2 < 0 || colon2 > at ? at : colon2;
        return string.Concat(text.AsSpan(0, colon + 1), "***", text.AsSpan(secretEnd));
    }

    private static bool TrySplitHostPort(string hostPort, out string host, out int port, out string problem)
    {
        host = hostPort;
        port = 0;
        problem = string.Empty;
        string? portText = null;
        if (hostPort.StartsWith('['))
        {
            var close = hostPort.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                problem = "unterminated '[' in the host";
                return false;
            }

            host = hostPort[1..close];
            var after = hostPort[(close + 1)..];
            if (after.Length > 0)
            {
                if (after[0] != ':')
                {
                    problem = "unexpected text after ']' in the host";
                    return false;
                }

                portText = after[1..];
            }
        }
        else
        {
            var colon = hostPort.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0)
            {
                host = hostPort[..colon];
                portText = hostPort[(colon + 1)..];
            }
        }

        if (host.Length == 0)
        {
            problem = "the host is empty";
            return false;
        }

        if (portText is not null
            && (portText.Length is 0 or > 5 || !IsDigits(portText) || (port = int.Parse(portText, CultureInfo.InvariantCulture)) is < 1 or > 65535))
        {
            problem = $"port \"{portText}\" is not 1-65535";
            return false;
        }

        return true;
    }

    private static bool IsDigits(string s)
    {
        foreach (var c in s)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }

    private static bool Fail(string text, string problem, out string error)
    {
        error = $"invalid upstream line \"{Mask(text)}\": {problem}; expected user[:secret[:authuser]]@host[:port]/mailbox";
        return false;
    }
}
