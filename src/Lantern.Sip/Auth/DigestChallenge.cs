namespace Lantern.Sip.Auth;

/// <summary>A parsed <c>WWW-Authenticate</c>/<c>Proxy-Authenticate</c> digest challenge, as a client sees it.</summary>
public sealed record DigestChallenge
{
    private const int MaxLength = 4096;

    public required string Realm { get; init; }

    public required string Nonce { get; init; }

    public string? Opaque { get; init; }

    public DigestAlgorithm Algorithm { get; init; }

    /// <summary>Whether the server offered <c>qop=auth</c>; otherwise the RFC 2069 form is used.</summary>
    public bool QopAuth { get; init; }

    public bool Stale { get; init; }

    /// <summary>Never throws; false with a reason for anything that is not a usable Digest challenge.</summary>
    public static bool TryParse(string? value, out DigestChallenge? challenge, out string? error)
    {
        challenge = null;
        if (!DigestParameters.TryParse(value, MaxLength, out var p, out error))
        {
            return false;
        }

        if (!p!.Scheme.Equals("Digest", StringComparison.OrdinalIgnoreCase))
        {
            error = "Not a Digest challenge";
            return false;
        }

        if (p["realm"] is not { } realm || p["nonce"] is not { } nonce)
        {
            error = p["realm"] is null ? "Missing realm" : "Missing nonce";
            return false;
        }

        if (!DigestHash.TryParseAlgorithm(p["algorithm"], out var algorithm))
        {
            error = $"Unsupported algorithm {p["algorithm"]}";
            return false;
        }

        var qop = p["qop"];
        var qopAuth = false;
        if (qop is not null)
        {
            foreach (var option in qop.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                qopAuth |= option.Equals("auth", StringComparison.OrdinalIgnoreCase);
            }

            if (!qopAuth)
            {
                error = "No supported qop";
                return false;
            }
        }

        challenge = new DigestChallenge
        {
            Realm = realm,
            Nonce = nonce,
            Opaque = p["opaque"],
            Algorithm = algorithm,
            QopAuth = qopAuth,
            Stale = string.Equals(p["stale"], "true", StringComparison.OrdinalIgnoreCase),
        };
        return true;
    }

    /// <summary>Picks the strongest usable challenge among the values of several challenge headers (SHA-256 over MD5), or null.</summary>
    public static DigestChallenge? SelectBest(IEnumerable<string?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        DigestChallenge? best = null;
        foreach (var value in values)
        {
            if (TryParse(value, out var challenge, out _) && (best is null || challenge!.Algorithm > best.Algorithm))
            {
                best = challenge;
            }
        }

        return best;
    }
}
