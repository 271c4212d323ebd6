using System.Globalization;
using System.Net;
using System.Security.Cryptography;

namespace Lantern.Sip.Auth;

/// <summary>Server side of SIP digest auth: builds <c>WWW-Authenticate</c>/<c>Proxy-Authenticate</c> values and verifies
/// <c>Authorization</c>/<c>Proxy-Authorization</c> values, with stateless HMAC-bound nonces and nonce-count replay checks.</summary>
/// <remarks>Thread-safe. The caller supplies the credential lookup; an unknown user runs the same computation as a known one
/// and gets the same <see cref="DigestResult.WrongCredentials"/>.</remarks>
public sealed class DigestAuthenticator
{

    private readonly DigestServerOptions _options;
    private readonly TimeProvider _time;
    private readonly DigestNonce _nonces;
    private readonly NonceCountTracker _counts;
    private readonly string _opaque;
    private readonly string _decoyPassword;

    public DigestAuthenticator(DigestServerOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options;
        _time = timeProvider;
        _nonces = new DigestNonce(options.SecretKey, options.Realm);
        _counts = new NonceCountTracker(options.MaxTrackedNonces);
        _opaque = _nonces.Opaque();
        _decoyPassword = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    }

    public string Realm => _options.Realm;

    /// <summary>One challenge value per configured algorithm, in order, sharing one fresh nonce: send each as its own header.</summary>
    public IReadOnlyList<string> CreateChallenges(bool stale = false, IPAddress? client = null) =>
        CreateChallenges(_options.Algorithms, stale, client);

    /// <summary>Challenges for the given algorithms only (e.g. MD5 alone for a user stored as an MD5 HA1).</summary>
    public IReadOnlyList<string> CreateChallenges(IReadOnlyList<DigestAlgorithm> algorithms, bool stale = false, IPAddress? client = null)
    {
        ArgumentNullException.ThrowIfNull(algorithms);
        var nonce = _nonces.Create(_time.GetUtcNow(), _options.BindNonceToClientAddress ? client : null);
        var values = new string[algorithms.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = string.Create(
                CultureInfo.InvariantCulture,
                $"Digest realm=\"{Escape(_options.Realm)}\", nonce=\"{nonce}\", opaque=\"{_opaque}\", algorithm={DigestHash.Name(algorithms[i])}, qop=\"auth\"{(stale ? ", stale=true" : "")}");
        }

        return values;
    }

    /// <summary>Verifies a credentials value. <paramref name="lookup"/> gets the user name and returns its secret, or null when unknown.</summary>
    /// <param name="requestUri">The request's Request-URI; when given, the answer's <c>uri</c> must name it (RFC 2617 §3.2.2.5),
    /// so an answer captured for one request cannot be sent with another Request-URI.</param>
    public DigestVerification Verify(string? authorization, string method, Func<string, DigestSecret?> lookup, IPAddress? client = null, string? requestUri = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(lookup);
        if (string.IsNullOrWhiteSpace(authorization))
        {
            return new(DigestResult.Missing, null, "No credentials");
        }

        // Credentials in a scheme we do not know are no credentials to us: the answer is a challenge in one we know
        // (RFC 3261 §22.1, RFC 4475 §3.3.7), whatever the rest of the value looks like.
        var trimmed = authorization.AsSpan().TrimStart();
        var schemeEnd = trimmed.IndexOfAny(' ', '\t');
        if (!(schemeEnd < 0 ? trimmed : trimmed[..schemeEnd]).Equals("Digest", StringComparison.OrdinalIgnoreCase))
        {
            return new(DigestResult.Missing, null, "Not a Digest scheme");
        }

        if (!DigestParameters.TryParse(authorization, _options.MaxHeaderLength, out var p, out var error))
        {
            return new(DigestResult.Malformed, null, error);
        }

        var username = p!["username"];
        var realm = p["realm"];
        var nonce = p["nonce"];
        var uri = p["uri"];
        var response = p["response"];
        var missing = username is null ? "username" : realm is null ? "realm" : nonce is null ? "nonce" : uri is null ? "uri" : response is null ? "response" : null;
        if (missing is not null)
        {
            return new(DigestResult.Malformed, username, $"Missing {missing}");
        }

        if (requestUri is not null && !SameUri(uri!, requestUri))
        {
            return new(DigestResult.Malformed, username, "uri does not match the Request-URI");
        }

        if (!DigestHash.TryParseAlgorithm(p["algorithm"], out var algorithm))
        {
            return new(DigestResult.UnknownAlgorithm, username, $"Unsupported algorithm {p["algorithm"]}");
        }

        var qop = p["qop"];
        var nc = p["nc"];
        var cnonce = p["cnonce"];
        uint count = 0;
        if (qop is not null)
        {
            if (!qop.Equals("auth", StringComparison.OrdinalIgnoreCase))
            {
                return new(DigestResult.Malformed, username, $"Unsupported qop {qop}");
            }

            if (nc is null || cnonce is null)
            {
                return new(DigestResult.Malformed, username, nc is null ? "Missing nc" : "Missing cnonce");
            }

            if (nc.Length != 8 || !uint.TryParse(nc, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out count) || count == 0)
            {
                return new(DigestResult.Malformed, username, "Malformed nc");
            }
        }
        else if (!_options.AllowNoQop)
        {
            return new(DigestResult.Malformed, username, "Missing qop (qop=auth is required)");
        }

        var ha1 = Ha1(lookup(username!), algorithm, username!, out var known);
        var expected = DigestHash.Response(algorithm, ha1, nonce!, nc, cnonce, qop, method, uri!);
        var match = DigestHash.HexEquals(expected, response!);
        var realmMatch = string.Equals(realm, _options.Realm, StringComparison.Ordinal);
        if (!match || !known || !realmMatch)
        {
            return new(DigestResult.WrongCredentials, username, "Wrong credentials");
        }

        var opaque = p["opaque"];
        if (!_nonces.TryValidate(nonce!, _options.BindNonceToClientAddress ? client : null, out var issued)
            || (opaque is not null && !string.Equals(opaque, _opaque, StringComparison.Ordinal)))
        {
            return new(DigestResult.BadNonce, username, "Unknown nonce");
        }

        var age = _time.GetUtcNow() - issued;
        if (age > _options.NonceLifetime || age < -TimeSpan.FromMinutes(1))
        {
            return new(DigestResult.Stale, username, "Nonce expired");
        }

        if (qop is not null)
        {
            switch (_counts.Check(nonce!, issued, count, _time.GetUtcNow() - _options.NonceLifetime))
            {
                case NonceCountCheck.Replayed:
                    return new(DigestResult.Replayed, username, "Nonce count replayed");
                case NonceCountCheck.Forgotten:
                    return new(DigestResult.Stale, username, "Nonce count no longer tracked");
            }
        }

        return new(DigestResult.Ok, username, null, algorithm);
    }

    /// <summary>HA1 for the algorithm. Unknown users, and users stored only as an HA1 of the other algorithm, get a decoy HA1:
    /// the same work and the same wrong-credentials answer, so an answer in another algorithm cannot tell which users exist.</summary>
    private string Ha1(DigestSecret? secret, DigestAlgorithm algorithm, string username, out bool known)
    {
        if (secret?.Password is { } password)
        {
            known = true;
            return DigestHash.Ha1(algorithm, username, _options.Realm, password);
        }

        var stored = algorithm == DigestAlgorithm.Sha256 ? secret?.Sha256Ha1 : secret?.Md5Ha1;
        known = stored is not null;
        return stored ?? DigestHash.Ha1(algorithm, username, _options.Realm, _decoyPassword);
    }

    /// <summary>Same text, or the same SIP URI by scheme, user, host (case-insensitive) and port: clients re-serialise the Request-URI.</summary>
    private static bool SameUri(string digestUri, string requestUri)
    {
        if (string.Equals(digestUri, requestUri, StringComparison.Ordinal))
        {
            return true;
        }

        return Messages.SipUri.TryParse(digestUri, out var a) && Messages.SipUri.TryParse(requestUri, out var b)
            && a!.Scheme == b!.Scheme
            && string.Equals(a.User, b.User, StringComparison.Ordinal)
            && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase)
            && a.Port == b.Port;
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
