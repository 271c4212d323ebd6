using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Lantern.Sip.Auth;

/// <summary>Client side of digest auth: answers a 401/407 challenge with an <c>Authorization</c>/<c>Proxy-Authorization</c> value.</summary>
public static class DigestClient
{
    /// <summary>Builds the credentials value. Reusing a challenge for later requests needs an increasing <paramref name="nonceCount"/>;
    /// <paramref name="cnonce"/> is random when null.</summary>
    public static string CreateAuthorization(
        DigestChallenge challenge,
        string method,
        string uri,
        string username,
        string password,
        uint nonceCount = 1,
        string? cnonce = null)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(password);

        var ha1 = DigestHash.Ha1(challenge.Algorithm, username, challenge.Realm, password);
        var sb = new StringBuilder(256);
        sb.Append(CultureInfo.InvariantCulture, $"Digest username=\"{Escape(username)}\", realm=\"{Escape(challenge.Realm)}\", nonce=\"{Escape(challenge.Nonce)}\", uri=\"{Escape(uri)}\"");
        string response;
        if (challenge.QopAuth)
        {
            cnonce ??= Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            var nc = nonceCount.ToString("x8", CultureInfo.InvariantCulture);
            response = DigestHash.Response(challenge.Algorithm, ha1, challenge.Nonce, nc, cnonce, "auth", method, uri);
            sb.Append(CultureInfo.InvariantCulture, $", response=\"{response}\", algorithm={DigestHash.Name(challenge.Algorithm)}, cnonce=\"{Escape(cnonce)}\", qop=auth, nc={nc}");
        }
        else
        {
            response = DigestHash.Response(challenge.Algorithm, ha1, challenge.Nonce, null, null, null, method, uri);
            sb.Append(CultureInfo.InvariantCulture, $", response=\"{response}\", algorithm={DigestHash.Name(challenge.Algorithm)}");
        }

        if (challenge.Opaque is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $", opaque=\"{Escape(challenge.Opaque)}\"");
        }

        return sb.ToString();
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
