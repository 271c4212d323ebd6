using System.Net;
using Lantern.Configuration;
using Lantern.Sip.Auth;
using Lantern.Sip.Messages;
using Lantern.Sip.Transactions;

namespace Lantern.Phones;

/// <summary>Admits SUBSCRIBE and REGISTER requests: banned addresses get 403, <c>sip.trusted</c> sources pass unchallenged,
/// endpoints without credentials by their <c>permit</c> ACL, everyone else by digest with the endpoint's algorithms. Unknown users
/// and wrong passwords get the same answer, and count towards the address's ban and the user's lock (see decision 0010).</summary>
internal sealed class PhonesAuthenticator
{
    private static readonly DigestAlgorithm[] Md5Only = [DigestAlgorithm.Md5];

    private readonly DigestAuthenticator _digest;
    private readonly IReadOnlyList<DigestAlgorithm> _offered;
    private readonly AuthFailureTracker _failures;
    private IReadOnlyList<IPNetwork> _trusted;

    /// <param name="offered">Challenges offered to endpoints that choose none, in order (default MD5 alone, decision 0007).</param>
    public PhonesAuthenticator(DigestAuthenticator digest, AuthFailureTracker failures, IEnumerable<string> trusted, IReadOnlyList<DigestAlgorithm>? offered = null)
    {
        _digest = digest;
        _offered = offered is { Count: > 0 } ? offered : Md5Only;
        _failures = failures;
        _trusted = ParseRanges(trusted);
    }

    /// <summary>Replaces the trusted ranges (configuration reload).</summary>
    public void SetTrusted(IEnumerable<string> trusted) => Volatile.Write(ref _trusted, ParseRanges(trusted));

    public bool IsTrusted(IPAddress address) => Contains(Volatile.Read(ref _trusted), address);

    /// <summary>The challenges an endpoint gets, in order: its own choice, else <c>sip.digestAlgorithms</c>; an endpoint stored
    /// as an MD5 HA1 can answer nothing else, so it is never offered SHA-256. Unknown users get the global list.</summary>
    public IReadOnlyList<DigestAlgorithm> OfferedTo(PhoneEndpoint? endpoint) =>
        endpoint is null ? _offered
        : endpoint.DigestAlgorithms is { Count: > 0 } own ? own
        : endpoint.Password is null && endpoint.Ha1 is not null ? Md5Only
        : _offered;

    /// <summary>The identity the request is admitted as, or null after answering it (401 challenge, 403, 400).</summary>
    public PhoneIdentity? Admit(SipServerTransaction transaction, EndpointDirectory directory)
    {
        var request = transaction.Request;
        var address = transaction.Source.Remote.Address;
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (_failures.IsBanned(address))
        {
            transaction.Respond(403, "Forbidden");
            return null;
        }

        if (IsTrusted(address))
        {
            return PhoneIdentity.Trusted;
        }

        var authorization = request.GetHeader(SipHeaderId.Authorization);
        if (authorization is null)
        {
            // The From user names the endpoint before any credentials: ACL-only endpoints are admitted by it, the others are
            // challenged with their own algorithms.
            var claimed = request.TryGetFrom(out var from) && from?.Uri.User is { } user ? directory.FindByAuthUser(user) : null;
            if (claimed is { WithoutAuth: true } aclOnly)
            {
                if (Permitted(aclOnly, address))
                {
                    return new PhoneIdentity(aclOnly);
                }

                transaction.Respond(403, "Forbidden");
                return null;
            }

            Challenge(transaction, stale: false, OfferedTo(claimed));
            return null;
        }

        var verification = _digest.Verify(authorization, request.MethodText, user => SecretOf(directory.FindByAuthUser(user)), address, request.RequestUriText);
        if (verification.Result is DigestResult.Ok or DigestResult.WrongCredentials && _failures.IsUserLocked(verification.Username!, address))
        {
            // Guesses spread over many addresses: only the addresses this user last authenticated from are heard until the lock ends.
            if (!verification.Succeeded)
            {
                _failures.RecordFailure(address, KnownUser(directory, verification.Username));
            }

            transaction.Respond(403, "Forbidden");
            return null;
        }

        var named = verification.Username is { } username ? directory.FindByAuthUser(username) : null;
        switch (verification.Result)
        {
            case DigestResult.Ok:
                var endpoint = named!;
                if (!Permitted(endpoint, address))
                {
                    transaction.Respond(403, "Forbidden");
                    return null;
                }

                if (!Allows(OfferedTo(endpoint), verification.Algorithm))
                {
                    // Right password, algorithm the endpoint was not offered (e.g. MD5 for an endpoint set to SHA-256 only):
                    // a downgrade is refused by challenging again, which costs the address nothing.
                    Challenge(transaction, stale: false, OfferedTo(endpoint));
                    return null;
                }

                _failures.RecordSuccess(address, verification.Username);
                return new PhoneIdentity(endpoint);
            case DigestResult.Missing:
                Challenge(transaction, stale: false, OfferedTo(named));
                return null;
            case DigestResult.UnknownAlgorithm:
                // An algorithm we do not speak: offer what this user can answer.
                Challenge(transaction, stale: false, OfferedTo(named));
                return null;
            case DigestResult.Stale or DigestResult.BadNonce or DigestResult.Replayed:
                Challenge(transaction, stale: true, OfferedTo(named));
                return null;
            case DigestResult.Malformed:
                transaction.Respond(400, "Malformed Authorization: " + Printable(verification.Reason));
                return null;
            default:
                // Unknown users, wrong passwords and answers in an algorithm the user has no HA1 for look the same, and all count.
                _failures.RecordFailure(address, KnownUser(directory, verification.Username));
                transaction.Respond(403, "Forbidden");
                return null;
        }
    }

    /// <summary>Parses algorithm names (<c>SHA-256</c>, <c>MD5</c>) in order; unknown names are skipped.</summary>
    public static List<DigestAlgorithm> ParseAlgorithms(IEnumerable<string?> names)
    {
        var list = new List<DigestAlgorithm>();
        foreach (var n in names)
        {
            var a = n?.Trim().ToUpperInvariant() switch
            {
                "SHA-256" or "SHA256" => DigestAlgorithm.Sha256,
                "MD5" => DigestAlgorithm.Md5,
                _ => (DigestAlgorithm?)null,
            };
            if (a is { } algorithm && !list.Contains(algorithm))
            {
                list.Add(algorithm);
            }
        }

        return list;
    }

    /// <summary>Per-user counts are kept for configured users only: made-up names cannot fill the tracker, and the answer is the same either way.</summary>
    private static string? KnownUser(EndpointDirectory directory, string? user) =>
        user is not null && directory.FindByAuthUser(user) is not null ? user : null;

    private static DigestSecret? SecretOf(PhoneEndpoint? endpoint) =>
        endpoint?.Password is { } password ? DigestSecret.FromPassword(password)
        : endpoint?.Ha1 is { } ha1 ? DigestSecret.FromHa1(ha1)
        : null;

    private static bool Permitted(PhoneEndpoint endpoint, IPAddress address)
    {
        if (endpoint.PermitList.Count == 0)
        {
            // Without an ACL anyone may present the endpoint's credentials; an ACL-only endpoint needs one to be reachable at all.
            return !endpoint.WithoutAuth;
        }

        foreach (var entry in endpoint.PermitList)
        {
            if (AddressRange.TryParse(entry, out var network) && network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Allows(IReadOnlyList<DigestAlgorithm> offered, DigestAlgorithm? answered)
    {
        for (var i = 0; i < offered.Count; i++)
        {
            if (offered[i] == answered)
            {
                return true;
            }
        }

        return false;
    }

    private void Challenge(SipServerTransaction transaction, bool stale, IReadOnlyList<DigestAlgorithm> offered)
    {
        var response = transaction.CreateResponse(401, "Unauthorized");
        var challenges = _digest.CreateChallenges(offered, stale);
        foreach (var c in challenges)
        {
            response.AddHeader(SipHeaderId.WwwAuthenticate, c);
        }

        transaction.Respond(response);
    }

    private static string Printable(string? reason)
    {
        if (string.IsNullOrEmpty(reason))
        {
            return "invalid";
        }

        var chars = reason.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] < ' ' || chars[i] > '~')
            {
                chars[i] = ' ';
            }
        }

        return new string(chars, 0, Math.Min(chars.Length, 100));
    }

    private static List<IPNetwork> ParseRanges(IEnumerable<string> entries)
    {
        var list = new List<IPNetwork>();
        foreach (var e in entries)
        {
            if (AddressRange.TryParse(e, out var n))
            {
                list.Add(n);
            }
        }

        return list;
    }

    private static bool Contains(IReadOnlyList<IPNetwork> ranges, IPAddress address)
    {
        foreach (var n in ranges)
        {
            if (n.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
