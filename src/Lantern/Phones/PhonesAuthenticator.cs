using System.Net;
using Lantern.Configuration;
using Lantern.Sip.Auth;
using Lantern.Sip.Messages;
using Lantern.Sip.Transactions;

namespace Lantern.Phones;

/// <summary>Admits SUBSCRIBE and REGISTER requests: banned addresses get 403, <c>sip.trusted</c> sources pass unchallenged,
/// endpoints without credentials by their <c>permit</c> ACL, everyone else by digest (MD5 and SHA-256). Unknown users and wrong
/// passwords get the same answer, and count towards the address's ban and the user's lock (see decision 0008).</summary>
internal sealed class PhonesAuthenticator
{
    private readonly DigestAuthenticator _digest;
    private readonly IReadOnlyList<DigestAlgorithm> _offered;
    private readonly AuthFailureTracker _failures;
    private IReadOnlyList<IPNetwork> _trusted;

    /// <param name="offered">Challenges offered, in order (default SHA-256 then MD5); clients that read only the first header
    /// and know only MD5 (sipp 3.6, old phones) need MD5 first.</param>
    public PhonesAuthenticator(DigestAuthenticator digest, AuthFailureTracker failures, IEnumerable<string> trusted, IReadOnlyList<DigestAlgorithm>? offered = null)
    {
        _digest = digest;
        _offered = offered is { Count: > 0 } ? offered : [DigestAlgorithm.Sha256, DigestAlgorithm.Md5];
        _failures = failures;
        _trusted = ParseRanges(trusted);
    }

    /// <summary>Replaces the trusted ranges (configuration reload).</summary>
    public void SetTrusted(IEnumerable<string> trusted) => Volatile.Write(ref _trusted, ParseRanges(trusted));

    public bool IsTrusted(IPAddress address) => Contains(Volatile.Read(ref _trusted), address);

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
            // Endpoints configured without credentials are recognised by the From user and admitted by their ACL alone.
            if (request.TryGetFrom(out var from) && from?.Uri.User is { } user && directory.FindByAuthUser(user) is { WithoutAuth: true } aclOnly)
            {
                if (Permitted(aclOnly, address))
                {
                    return new PhoneIdentity(aclOnly);
                }

                transaction.Respond(403, "Forbidden");
                return null;
            }

            Challenge(transaction, stale: false);
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

        switch (verification.Result)
        {
            case DigestResult.Ok:
                var endpoint = directory.FindByAuthUser(verification.Username!)!;
                if (!Permitted(endpoint, address))
                {
                    transaction.Respond(403, "Forbidden");
                    return null;
                }

                _failures.RecordSuccess(address, verification.Username);
                return new PhoneIdentity(endpoint);
            case DigestResult.Missing or DigestResult.UnknownAlgorithm:
                Challenge(transaction, stale: false);
                return null;
            case DigestResult.Stale or DigestResult.BadNonce or DigestResult.Replayed:
                Challenge(transaction, stale: true);
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

    private void Challenge(SipServerTransaction transaction, bool stale)
    {
        var response = transaction.CreateResponse(401, "Unauthorized");
        var challenges = _digest.CreateChallenges(_offered, stale);
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
