using System.Globalization;

namespace Lantern.Import;

/// <summary>chan_sip's <c>register =&gt; [peer?][transport://]user[@domain][:secret[:authuser]]@host[:port][/contact][~expiry]</c>,
/// reduced to what matching it to an <c>mwi =&gt;</c> line needs.</summary>
/// <param name="User">The user registered (the part before any <c>@domain</c>, <c>:secret</c>).</param>
/// <param name="AuthUser">The digest user when given, else <paramref name="User"/>.</param>
/// <param name="Port">0 when none was given.</param>
/// <param name="Expiry">The <c>~expiry</c> in seconds, or null for chan_sip's default.</param>
internal sealed record AsteriskRegisterLine(string User, string AuthUser, string Host, int Port, int? Expiry)
{
    /// <summary>chan_sip's <c>default_expiry</c>: what a registration without <c>~expiry</c> asks for.</summary>
    public const int ChanSipDefaultExpiry = 120;

    /// <summary>Parses the value of a <c>register =&gt;</c> line; null when it has no <c>user@host</c>.</summary>
    public static AsteriskRegisterLine? TryParse(string value)
    {
        var text = value.Trim();
        var question = text.IndexOf('?', StringComparison.Ordinal);
        if (question >= 0)
        {
            text = text[(question + 1)..];
        }

        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            text = text[(scheme + 3)..];
        }

        int? expiry = null;
        var tilde = text.LastIndexOf('~');
        if (tilde >= 0)
        {
            if (!int.TryParse(text.AsSpan(tilde + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var e) || e <= 0)
            {
                return null;
            }

            expiry = e;
            text = text[..tilde];
        }

        var at = text.LastIndexOf('@');
        if (at <= 0)
        {
            return null;
        }

        var hostPart = text[(at + 1)..];
        var slash = hostPart.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            hostPart = hostPart[..slash];
        }

        var port = 0;
        var colon = hostPart.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            if (!int.TryParse(hostPart.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                return null;
            }

            hostPart = hostPart[..colon];
        }

        // user[@domain][:secret[:authuser]]
        var userInfo = text[..at];
        var parts = userInfo.Split(':');
        var user = parts[0];
        var domainAt = user.IndexOf('@', StringComparison.Ordinal);
        if (domainAt >= 0)
        {
            user = user[..domainAt];
        }

        var authUser = parts.Length > 2 && parts[2].Length > 0 ? parts[2] : user;
        return user.Length == 0 || hostPart.Length == 0 ? null : new AsteriskRegisterLine(user, authUser, hostPart, port, expiry);
    }

    /// <summary>True when this registration is the one the upstream needs: same host and port, and its user is the
    /// upstream's user or digest user.</summary>
    public bool Covers(Configuration.UpstreamOptions upstream) =>
        string.Equals(Host, upstream.Host, StringComparison.OrdinalIgnoreCase)
        && Port == upstream.Port
        && (User == upstream.User || User == upstream.EffectiveAuthUser || AuthUser == upstream.EffectiveAuthUser);
}
