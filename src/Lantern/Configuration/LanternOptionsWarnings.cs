using System.Net;

namespace Lantern.Configuration;

/// <summary>Settings that are valid but weaken security: shown by <c>lantern config check</c> and logged at start-up.</summary>
internal static class LanternOptionsWarnings
{
    /// <summary>Secrets shorter than this are guessable offline from one captured digest answer.</summary>
    public const int MinimumSecretLength = 12;

    public static void Check(LanternOptions options, List<string> warnings)
    {
        var sip = options.Sip;
        for (var i = 0; i < sip.Trusted.Count; i++)
        {
            CheckRange(warnings, $"sip.trusted[{i}]", sip.Trusted[i], "every host may send as an authenticated proxy");
        }

        for (var i = 0; i < options.Endpoints.Count; i++)
        {
            var e = options.Endpoints[i];
            for (var j = 0; j < e.Permit.Count; j++)
            {
                CheckRange(warnings, $"endpoints[{i}].permit[{j}]", e.Permit[j], "the endpoint is reachable from every address");
            }

            CheckSecret(warnings, $"endpoints[{i}].password", e.Password);
        }

        for (var i = 0; i < sip.Listen.Count; i++)
        {
            if (IPAddress.TryParse(sip.Listen[i].Address, out var address) && IsWildcard(address))
            {
                warnings.Add($"sip.listen[{i}].address: \"{sip.Listen[i].Address}\" listens on every interface; name the address to serve");
            }
        }

        CheckListen(warnings, "http.listen", options.Http.Listen);
        CheckListen(warnings, "ami.listen", options.Ami.Listen);
        for (var i = 0; i < options.Http.Users.Count; i++)
        {
            CheckSecret(warnings, $"http.users[{i}].password", options.Http.Users[i].Password);
        }

        for (var i = 0; i < options.Http.ApiKeys.Count; i++)
        {
            CheckSecret(warnings, $"http.apiKeys[{i}]", options.Http.ApiKeys[i]);
        }

        for (var i = 0; i < options.Ami.Users.Count; i++)
        {
            CheckSecret(warnings, $"ami.users[{i}].secret", options.Ami.Users[i].Secret);
        }

        for (var i = 0; i < options.Peers.Count; i++)
        {
            CheckSecret(warnings, $"peers[{i}].password", options.Peers[i].Password);
        }
    }

    private static void CheckRange(List<string> warnings, string path, string text, string consequence)
    {
        if (AddressRange.TryParse(text, out var network) && network.PrefixLength == 0)
        {
            warnings.Add($"{path}: \"{text}\" covers every address: {consequence}");
        }
    }

    private static void CheckListen(List<string> warnings, string path, string text)
    {
        if (IPEndPoint.TryParse(text, out var endPoint) && IsWildcard(endPoint.Address))
        {
            warnings.Add($"{path}: \"{text}\" listens on every interface; name the address to serve");
        }
    }

    private static void CheckSecret(List<string> warnings, string path, string? secret)
    {
        if (!string.IsNullOrEmpty(secret) && secret.Length < MinimumSecretLength)
        {
            warnings.Add($"{path}: shorter than {MinimumSecretLength} characters; guessable from one captured answer");
        }
    }

    private static bool IsWildcard(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);
}
